//! Where the panel may open: a saved place is kept while it lies on a screen that exists,
//! else moved onto the nearest one (pure; the screens come from [`crate::platform::window`]).

use eframe::egui;

use crate::platform::Screen;

/// Where a window of `size` whose top-left corner was saved at `saved` should open: there if
/// it still lies on a screen (at least `grip` points of it), else moved onto the nearest
/// screen, inside its edges. Positions and sizes are in points; `pixels_per_point` converts
/// the screens' pixels. With no screens known the saved position is kept.
pub fn clamp_to_screens(
    saved: egui::Pos2,
    size: egui::Vec2,
    screens: &[Screen],
    pixels_per_point: f32,
) -> egui::Pos2 {
    const GRIP: f32 = 40.0;
    let scale = pixels_per_point.max(0.25);
    let rects: Vec<egui::Rect> = screens
        .iter()
        .map(|m| {
            egui::Rect::from_min_size(
                egui::pos2(m.x, m.y) / scale,
                egui::vec2(m.width, m.height) / scale,
            )
        })
        .collect();
    let window = egui::Rect::from_min_size(saved, size);
    let reachable = |r: &egui::Rect| {
        let overlap = r.intersect(window);
        overlap.width() >= GRIP.min(size.x) && overlap.height() >= GRIP.min(size.y)
    };
    if rects.is_empty() || rects.iter().any(reachable) {
        return saved;
    }
    let nearest = rects.iter().min_by(|a, b| {
        a.distance_sq_to_pos(window.center())
            .total_cmp(&b.distance_sq_to_pos(window.center()))
    });
    match nearest {
        Some(r) => egui::pos2(
            saved.x.clamp(r.min.x, (r.max.x - size.x).max(r.min.x)),
            saved.y.clamp(r.min.y, (r.max.y - size.y).max(r.min.y)),
        ),
        None => saved,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO: [Screen; 2] = [
        Screen {
            x: 0.0,
            y: 0.0,
            width: 1920.0,
            height: 1080.0,
        },
        Screen {
            x: 1920.0,
            y: 0.0,
            width: 1280.0,
            height: 1024.0,
        },
    ];
    const PANEL: egui::Vec2 = egui::vec2(240.0, 92.0);

    #[test]
    fn a_position_on_a_monitor_is_kept() {
        for p in [egui::pos2(24.0, 24.0), egui::pos2(2500.0, 900.0)] {
            assert_eq!(clamp_to_screens(p, PANEL, &TWO, 1.0), p);
        }
        // Half over the edge is still reachable.
        let edge = egui::pos2(1800.0, 1040.0);
        assert_eq!(clamp_to_screens(edge, PANEL, &TWO[..1], 1.0), edge);
    }

    #[test]
    fn a_position_on_an_unplugged_monitor_moves_onto_one_that_exists() {
        // Saved on the right-hand monitor, which is gone now.
        let moved = clamp_to_screens(egui::pos2(2500.0, 300.0), PANEL, &TWO[..1], 1.0);
        assert_eq!(moved, egui::pos2(1920.0 - PANEL.x, 300.0));
        // Below the shorter monitor, in the gap beside the taller one.
        let moved = clamp_to_screens(egui::pos2(2000.0, 1050.0), PANEL, &TWO, 1.0);
        assert!(
            moved.y <= 1024.0 - PANEL.y || moved.x + PANEL.x <= 1920.0,
            "{moved:?}"
        );
        // At scale 2 the monitor is 960 × 540 points.
        let moved = clamp_to_screens(egui::pos2(1500.0, 800.0), PANEL, &TWO[..1], 2.0);
        assert_eq!(moved, egui::pos2(960.0 - PANEL.x, 540.0 - PANEL.y));
        // Nothing known: left alone.
        let p = egui::pos2(-5000.0, 0.0);
        assert_eq!(clamp_to_screens(p, PANEL, &[], 1.0), p);
    }
}
