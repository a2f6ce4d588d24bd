//! For a Windows build only: Sitwell's icon and version (what Explorer shows in the file's
//! properties) compiled into `sitwell.exe` from `assets/windows/sitwell.rc` (MinGW's windres
//! when cross-building). Does nothing for other systems.

fn main() {
    println!("cargo:rerun-if-changed=assets/windows/sitwell.rc");
    println!("cargo:rerun-if-changed=assets/windows/sitwell.ico");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
        return;
    }
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let numbers: Vec<&str> = version
        .split(['.', '-'])
        .take(3)
        .chain(std::iter::repeat("0"))
        .take(4)
        .collect();
    let macros = [
        format!("SITWELL_VERSION_NUMBERS={}", numbers.join(",")),
        format!("SITWELL_VERSION=\\\"{version}\\\""),
    ];
    if let Err(e) = embed_resource::compile("assets/windows/sitwell.rc", macros).manifest_optional()
    {
        panic!("cannot compile the Windows resources: {e}");
    }
}
