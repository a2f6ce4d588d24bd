//! `docs/settings.md`, made from the settings table: a test keeps the committed page equal to
//! what this writes, so the page cannot drift from what Sitwell checks.

use std::fmt::Write;

use super::ALL;

/// The reference page of every setting.
pub fn settings_page() -> String {
    let mut page = String::from(
        "# Settings\n\n\
         <!-- Made from src/config/table.rs: a test fails when this page and the table disagree;\n     \
         `SITWELL_UPDATE_DOCS=1 cargo test --lib config::docs` writes it again. -->\n\n\
         Sitwell reads `settings.toml` from its config folder (Linux: `~/.config/sitwell/`, or\n\
         `$XDG_CONFIG_HOME/sitwell/`; `--config FILE` names another). Every key is optional: a\n\
         missing key takes its default, so a file with one line works, and Sitwell runs on\n\
         defaults with no file at all. The settings panel (menu → Settings…) writes the keys you\n\
         change and nothing else: comments, keys Sitwell does not know and every other line stay\n\
         as you wrote them. A value out of range keeps that setting's default and is named, with\n\
         its line, when Sitwell starts; a file that is not TOML is never written over.\n\n\
         A flag outranks its setting for one run (`sitwell --dwell 30`); the file is not changed.\n\n\
         | key | what it sets | default | values | flag |\n\
         |---|---|---|---|---|\n",
    );
    for setting in ALL {
        let flag = setting
            .flag()
            .map_or_else(String::new, |f| format!("`--{f}`"));
        let _ = writeln!(
            page,
            "| `{}` | {} | `{}` | {} | {} |",
            setting.key(),
            setting.doc(),
            setting.default_text(),
            setting.allowed_text(),
            flag
        );
    }
    page.push_str(
        "\nExample:\n\n```toml\n# Nudge after two minutes, a little less strict.\n\
         dwell_s = 120\nsensitivity = 0.8\ncamera_place = \"laptop\"\n```\n",
    );
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_settings_md_is_the_table() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/settings.md");
        let page = settings_page();
        if std::env::var_os("SITWELL_UPDATE_DOCS").is_some() {
            std::fs::create_dir_all(path.parent().expect("docs/")).expect("docs/ made");
            std::fs::write(&path, &page).expect("docs/settings.md written");
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == page,
            "docs/settings.md differs from the settings table (src/config/table.rs); write it \
             again with SITWELL_UPDATE_DOCS=1 cargo test --lib config::docs"
        );
    }

    #[test]
    fn every_setting_is_a_row_with_its_range_and_default() {
        let page = settings_page();
        for setting in ALL {
            let row = page
                .lines()
                .find(|l| l.starts_with(&format!("| `{}` |", setting.key())))
                .unwrap_or_else(|| panic!("no row for {}", setting.key()));
            assert!(row.contains(&setting.allowed_text()), "{row}");
            assert!(row.contains(&setting.default_text()), "{row}");
        }
    }
}
