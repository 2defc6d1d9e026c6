# paperclip-net native addon (build of record). zlib and OpenSSL are NOT linked here: the
# addon uses the copies inside the node binary (node exports their symbols, and node-gyp puts
# node's own zlib.h / openssl/*.h first on the include path), so deflate output and AEAD
# bytes are exactly node:zlib's and node:crypto's. See docs/NATIVE.md.
{
  "targets": [
    {
      "target_name": "paperclip_native",
      "sources": [
        "native/addon.cc",
        "native/span.cc",
        "native/crc32.cc",
        "native/deflate.cc",
        "native/hchacha20.cc",
        "native/evp_aead.cc",
        "native/xchacha.cc",
        "native/aesgcm.cc",
        "native/aead.cc",
        "native/ack_window.cc",
        "native/x25519.cc",
        "native/napi/x25519_binding.cc",
        "native/napi/ack_window_binding.cc",
        "native/napi/args.cc",
        "native/napi/crc32_binding.cc",
        "native/napi/deflate_binding.cc",
        "native/napi/aead_binding.cc"
      ],
      "conditions": [
        ["OS=='linux'", {
          "sources": [
            "native/sealed_header.cc",
            "native/udp_engine.cc",
            "native/napi/udp_engine_binding.cc"
          ]
        }]
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_CPP_EXCEPTIONS",
        "NODE_ADDON_API_CPP_EXCEPTIONS_ALL",
        "NODE_ADDON_API_DISABLE_DEPRECATED"
      ],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
      "cflags": ["-O3", "-Wall", "-Wextra", "-fvisibility=hidden"],
      "cflags_cc": ["-std=c++17"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "GCC_SYMBOLS_PRIVATE_EXTERN": "YES",
        "OTHER_CFLAGS": ["-O3", "-Wall", "-Wextra"]
      },
      "msvs_settings": {
        "VCCLCompilerTool": { "ExceptionHandling": 1, "AdditionalOptions": ["/std:c++17"] }
      }
    }
  ]
}
