{
  "targets": [
    {
      "target_name": "nsm",
      "sources": ["native/nsm-addon.c"],
      "cflags_c": ["-std=c11", "-Wall", "-Wextra", "-D_GNU_SOURCE"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
