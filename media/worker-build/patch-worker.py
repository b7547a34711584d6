#!/usr/bin/env python3
"""Patch an unpacked mediasoup 3.18.1 worker/ tree so it builds offline against Debian bookworm.

Usage: patch-worker.py <path/to/worker> <path/to/our/subprojects>

Every edit must match exactly as many times as expected, otherwise the script fails: a new
mediasoup version that moved the code must be looked at by a person, not silently half-patched.
See README.md and /work/shared/MEDIASOUP.md for why each change is needed.
"""
import os
import re
import shutil
import sys


def fail(msg):
    sys.stderr.write(f"patch-worker.py: ERROR: {msg}\n")
    sys.exit(1)


def edit(worker, rel, old, new, count=1, regex=False):
    path = os.path.join(worker, rel)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if regex:
        found = len(re.findall(old, text, flags=re.DOTALL))
    else:
        found = text.count(old)
    if found != count:
        fail(f"{rel}: expected {count} match(es) of {old!r}, found {found}")
    if regex:
        text = re.sub(old, lambda _m: new, text, flags=re.DOTALL)
    else:
        text = text.replace(old, new)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    sys.stderr.write(f"patch-worker.py: patched {rel} ({count}x)\n")


def replace_subprojects(worker, ours):
    sub = os.path.join(worker, "subprojects")
    wraps = sorted(n for n in os.listdir(sub) if n.endswith(".wrap"))
    needed = {"openssl", "libuv", "libsrtp3", "usrsctp", "abseil-cpp", "flatbuffers", "catch2"}
    have = {n[: -len(".wrap")] for n in wraps}
    if not needed <= have:
        fail(f"worker/subprojects lacks expected wraps {sorted(needed - have)} (found {wraps})")
    # Remove every wrap (liburing and wingetopt too: they are not used on this build and must
    # never trigger a download), plus meson's packagefiles overlays if any.
    for n in wraps:
        os.remove(os.path.join(sub, n))
    pf = os.path.join(sub, "packagefiles")
    if os.path.isdir(pf):
        shutil.rmtree(pf)
    for name in sorted(needed):
        src = os.path.join(ours, name)
        if not os.path.isfile(os.path.join(src, "meson.build")):
            fail(f"missing local subproject {src}/meson.build")
        dst = os.path.join(sub, name)
        if os.path.exists(dst):
            shutil.rmtree(dst)
        shutil.copytree(src, dst)
    sys.stderr.write(f"patch-worker.py: replaced {len(wraps)} wraps with local subprojects {sorted(needed)}\n")


def main():
    if len(sys.argv) != 3:
        fail("usage: patch-worker.py <worker dir> <subprojects dir>")
    worker, ours = sys.argv[1], sys.argv[2]

    replace_subprojects(worker, ours)

    # 1. meson.build asks for meson >= 1.1.0; nothing in it needs more than Debian's 1.0.1.
    edit(worker, "meson.build", "meson_version: '>= 1.1.0'", "meson_version: '>= 1.0.0'")

    # 2. libsrtp 2.5 API (the worker is written against a libsrtp 3.0 fork).
    edit(worker, "include/RTC/SrtpSession.hpp", "srtp_stream_remove(", "srtp_remove_stream(")

    edit(
        worker,
        "src/RTC/SrtpSession.cpp",
        r"const srtp_err_status_t err = srtp_protect\(\s*/\*srtp_t ctx\*/ this->session,"
        r"\s*/\*const uint8_t\* rtp\*/ \*data,.*?/\*size_t mki_index\*/ 0\);",
        "// pocdojo: libsrtp 2.5 protects in place with an int length.\n"
        "\t\tstd::memcpy(encryptBuffer, *data, *len);\n"
        "\t\tint srtpLen = static_cast<int>(*len);\n"
        "\t\tconst srtp_err_status_t err = srtp_protect(this->session, encryptBuffer, std::addressof(srtpLen));\n"
        "\t\tencryptLen = static_cast<size_t>(srtpLen);",
        regex=True,
    )
    edit(
        worker,
        "src/RTC/SrtpSession.cpp",
        r"const srtp_err_status_t err = srtp_unprotect\(\s*/\*srtp_t ctx\*/ this->session,"
        r"\s*/\*const uint8_t\* srtp\*/ data,.*?/\*size_t\* rtp_len\*/ std::addressof\(decryptLen\)\);",
        "// pocdojo: libsrtp 2.5 unprotects in place with an int length.\n"
        "\t\tint srtpLen = static_cast<int>(*len);\n"
        "\t\tconst srtp_err_status_t err = srtp_unprotect(this->session, data, std::addressof(srtpLen));\n"
        "\t\tdecryptLen = static_cast<size_t>(srtpLen);",
        regex=True,
    )
    edit(
        worker,
        "src/RTC/SrtpSession.cpp",
        r"const srtp_err_status_t err = srtp_protect_rtcp\(\s*/\*srtp_t ctx\*/ this->session,"
        r"\s*/\*const uint8_t\* rtcp\*/ \*data,.*?/\*size_t mki_index\*/ 0\);",
        "// pocdojo: libsrtp 2.5 protects in place with an int length.\n"
        "\t\tstd::memcpy(encryptBuffer, *data, *len);\n"
        "\t\tint srtpLen = static_cast<int>(*len);\n"
        "\t\tconst srtp_err_status_t err = srtp_protect_rtcp(this->session, encryptBuffer, std::addressof(srtpLen));\n"
        "\t\tencryptLen = static_cast<size_t>(srtpLen);",
        regex=True,
    )
    edit(
        worker,
        "src/RTC/SrtpSession.cpp",
        r"const srtp_err_status_t err = srtp_unprotect_rtcp\(\s*/\*srtp_t ctx\*/ this->session,"
        r"\s*/\*const uint8_t\* srtcp\*/ data,.*?/\*size_t\* rtcp_len\*/ std::addressof\(decryptLen\)\);",
        "// pocdojo: libsrtp 2.5 unprotects in place with an int length.\n"
        "\t\tint srtpLen = static_cast<int>(*len);\n"
        "\t\tconst srtp_err_status_t err = srtp_unprotect_rtcp(this->session, data, std::addressof(srtpLen));\n"
        "\t\tdecryptLen = static_cast<size_t>(srtpLen);",
        regex=True,
    )

    # Error codes libsrtp 2.5 does not have (the second one ends the initializer list).
    edit(worker, "src/DepLibSRTP.cpp",
         '\t{ srtp_err_status_buffer_small,  "out buffer is too small" },\n', "")
    edit(worker, "src/DepLibSRTP.cpp",
         '\t{ srtp_err_status_cryptex_err,   "unsupported cryptex operation" }\n', "")

    # 3. DTLS: BIO callback return value. With '==' the callback returns 1 for every call; with
    #    Debian's KTLS-enabled OpenSSL that makes OpenSSL think KTLS is on and the worker segfaults
    #    in SSL_read on the first DTLS handshake.
    edit(worker, "src/RTC/DtlsTransport.cpp",
         "(operationType == BIO_CB_RETURN) ? static_cast<long>(ret) : 1",
         "(operationType & BIO_CB_RETURN) ? static_cast<long>(ret) : 1")

    sys.stderr.write("patch-worker.py: all patches applied\n")


if __name__ == "__main__":
    main()
