/* A stand-in for Windows' bcryptprimitives.dll, for running our Windows builds under Wine 8.0
 * on the Linux test host ONLY. It is never shipped: every Windows 10+ has the real DLL.
 *
 * Rust's std (1.78+) takes its random seed from ProcessPrng in bcryptprimitives.dll, which
 * Wine only gained in 8.13; Debian 12 has Wine 8.0, where a Rust exe fails to load
 * ("bcryptprimitives.dll not found", exit 53). This forwards ProcessPrng to BCryptGenRandom,
 * which Wine 8.0 has. Built by scripts/windows/toolchain.sh. */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG) < 0)
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved) {
    (void)inst; (void)reason; (void)reserved;
    return TRUE;
}
