/* Empty translation unit for a placeholder static library (see meson.build). */
typedef int pocdojo_openssl_stub;
