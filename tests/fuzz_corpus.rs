//! The fuzzers' corpus and every crash they ever found (`tests/fuzz/corpus/<target>/`,
//! `tests/fuzz/artifacts/<target>/`), replayed through the same code the fuzz targets run
//! (`sitwell::fuzzing`): what once broke stays fixed, without the fuzzer.

use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz");
    let mut replayed = 0;
    for folder in ["corpus", "artifacts"] {
        let Ok(entries) = std::fs::read_dir(root.join(folder).join(target)) else {
            continue;
        };
        for entry in entries.flatten() {
            let bytes = std::fs::read(entry.path()).expect("a corpus file reads");
            let path = entry.path();
            let result = std::panic::catch_unwind(|| run(&bytes));
            assert!(result.is_ok(), "{} breaks {target}", path.display());
            replayed += 1;
        }
    }
    assert!(replayed > 0, "no corpus for {target} in {}", root.display());
}

#[test]
fn the_jpeg_corpus_decodes_or_is_refused() {
    replay("jpeg", sitwell::fuzzing::jpeg);
}

#[test]
fn the_mjpeg_corpus_splits_and_decodes_or_is_refused() {
    replay("mjpeg", sitwell::fuzzing::mjpeg);
}

#[test]
fn the_settings_corpus_reads_and_saves_back() {
    replay("settings", sitwell::fuzzing::settings);
}

#[test]
fn the_baseline_corpus_reads_or_is_refused() {
    replay("baseline", sitwell::fuzzing::baseline);
}
