{
  "targets": [
    {
      "target_name": "groth16",
      "sources": ["groth16-addon.c", "groth16-prove.c", "msm.c", "ntt.c", "bn254-field.c", "bin-file.c", "fixed-base.c", "fixed-base-addon.c", "field-check.c"],
      "cflags_c": ["-std=c11", "-O3", "-Wall", "-Wextra", "-D_GNU_SOURCE", "-pthread"],
      "cflags!": ["-O2"],
      "ldflags": ["-pthread"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
