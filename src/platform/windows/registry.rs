//! Reading and writing the few registry values Sitwell needs (Win32's `Reg*` functions).

use windows_sys::Win32::Foundation::{ERROR_FILE_NOT_FOUND, ERROR_SUCCESS};
use windows_sys::Win32::System::Registry::{
    HKEY, KEY_READ, REG_SZ, RRF_RT_REG_QWORD, RRF_RT_REG_SZ, RegCloseKey, RegDeleteKeyValueW,
    RegEnumKeyExW, RegGetValueW, RegOpenKeyExW, RegSetKeyValueW,
};

pub use windows_sys::Win32::System::Registry::{HKEY_CURRENT_USER, HKEY_LOCAL_MACHINE};

use super::wide;

/// The string value `name` of `root\key`, if it exists.
pub fn read_string(root: HKEY, key: &str, name: &str) -> Option<String> {
    let (key, name) = (wide(key), wide(name));
    let mut bytes: u32 = 0;
    // SAFETY: the first call only asks for the size (null data pointer); the second writes at
    // most `bytes` bytes into a buffer of that size.
    unsafe {
        let asked = RegGetValueW(
            root,
            key.as_ptr(),
            name.as_ptr(),
            RRF_RT_REG_SZ,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut bytes,
        );
        if asked != ERROR_SUCCESS || bytes < 2 {
            return None;
        }
        let mut text = vec![0u16; bytes as usize / 2];
        let read = RegGetValueW(
            root,
            key.as_ptr(),
            name.as_ptr(),
            RRF_RT_REG_SZ,
            std::ptr::null_mut(),
            text.as_mut_ptr().cast(),
            &mut bytes,
        );
        if read != ERROR_SUCCESS {
            return None;
        }
        text.truncate(bytes as usize / 2);
        let end = text.iter().position(|&c| c == 0).unwrap_or(text.len());
        Some(String::from_utf16_lossy(&text[..end]))
    }
}

/// The 64-bit number `name` of `root\key`, if it exists.
pub fn read_u64(root: HKEY, key: &str, name: &str) -> Option<u64> {
    let (key, name) = (wide(key), wide(name));
    let mut value: u64 = 0;
    let mut bytes = std::mem::size_of::<u64>() as u32;
    // SAFETY: RegGetValueW writes at most `bytes` (8) bytes into `value`.
    let read = unsafe {
        RegGetValueW(
            root,
            key.as_ptr(),
            name.as_ptr(),
            RRF_RT_REG_QWORD,
            std::ptr::null_mut(),
            (&mut value as *mut u64).cast(),
            &mut bytes,
        )
    };
    (read == ERROR_SUCCESS).then_some(value)
}

/// The names of `root\key`'s subkeys; `None` when the key does not exist.
pub fn subkeys(root: HKEY, key: &str) -> Option<Vec<String>> {
    let key = wide(key);
    let mut handle: HKEY = std::ptr::null_mut();
    // SAFETY: RegOpenKeyExW writes the opened key into `handle`, closed below.
    if unsafe { RegOpenKeyExW(root, key.as_ptr(), 0, KEY_READ, &mut handle) } != ERROR_SUCCESS {
        return None;
    }
    let mut names = Vec::new();
    let mut name = [0u16; 512];
    for index in 0.. {
        let mut len = name.len() as u32;
        // SAFETY: RegEnumKeyExW writes at most `len` characters into `name`.
        let got = unsafe {
            RegEnumKeyExW(
                handle,
                index,
                name.as_mut_ptr(),
                &mut len,
                std::ptr::null(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
            )
        };
        if got != ERROR_SUCCESS {
            break;
        }
        names.push(String::from_utf16_lossy(&name[..len as usize]));
    }
    // SAFETY: `handle` was opened above and is not used after this.
    unsafe { RegCloseKey(handle) };
    Some(names)
}

/// Sets the string value `name` of `HKEY_CURRENT_USER\key` (creating the key).
pub fn write_user_string(key: &str, name: &str, value: &str) -> std::io::Result<()> {
    let (key, name, value) = (wide(key), wide(name), wide(value));
    // SAFETY: the data pointer and its size in bytes describe `value`, NUL included.
    let set = unsafe {
        RegSetKeyValueW(
            HKEY_CURRENT_USER,
            key.as_ptr(),
            name.as_ptr(),
            REG_SZ,
            value.as_ptr().cast(),
            (value.len() * 2) as u32,
        )
    };
    match set {
        ERROR_SUCCESS => Ok(()),
        code => Err(std::io::Error::from_raw_os_error(code as i32)),
    }
}

/// Removes the value `name` of `HKEY_CURRENT_USER\key`; one that is not there is fine.
pub fn delete_user_value(key: &str, name: &str) -> std::io::Result<()> {
    let (key, name) = (wide(key), wide(name));
    // SAFETY: both strings are NUL-terminated and live across the call.
    match unsafe { RegDeleteKeyValueW(HKEY_CURRENT_USER, key.as_ptr(), name.as_ptr()) } {
        ERROR_SUCCESS | ERROR_FILE_NOT_FOUND => Ok(()),
        code => Err(std::io::Error::from_raw_os_error(code as i32)),
    }
}
