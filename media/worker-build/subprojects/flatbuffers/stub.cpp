/* Empty translation unit for a placeholder static library (see meson.build). */
typedef int pocdojo_flatbuffers_stub;
