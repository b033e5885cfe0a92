{
  "targets": [
    {
      "target_name": "provenant_transport",
      "sources": ["native/vsock.c"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-Werror", "-O2", "-fvisibility=hidden"],
      "defines": ["NAPI_VERSION=8"],
      "conditions": [
        ["OS!='linux'", { "type": "none", "sources!": ["native/vsock.c"] }]
      ]
    }
  ]
}
