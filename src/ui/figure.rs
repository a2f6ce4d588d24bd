//! The move card's figure: a small stick figure (head, neck, shoulders, arms, trunk) that loops
//! through a move's keyframes, drawn with egui's painter. One figure per move of the catalogue,
//! as data; pure geometry apart from [`show`].
//!
//! Keyframes are in *figure space*: 100 × 120 units, x to the right, y down, the figure facing
//! right in side views. [`screen_from_figure`] maps them into the rectangle drawn.

use eframe::egui;
use egui::{Color32, Pos2, Rect, Stroke, Ui, Vec2, pos2, vec2};

/// The size of figure space.
pub const FIGURE_SPACE: Vec2 = vec2(100.0, 120.0);
/// The figure's size on the card, in points.
pub const FIGURE_SIZE: Vec2 = vec2(72.0, 86.0);
/// How often a card with a figure is redrawn (a smooth enough loop at little cost).
pub const FRAME_INTERVAL_S: f32 = 0.1;

/// Where the figure is seen from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewpoint {
    /// From the side, facing right: one arm drawn (the near one; the far one hides behind it).
    Side,
    /// From the front: both arms.
    Front,
}

/// What the figure uses, drawn lightly behind it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prop {
    /// A chair seen from the side (seat and back).
    Chair,
    /// The floor.
    Floor,
    /// A door frame to the figure's front (a vertical line) and the floor.
    Doorway,
    /// A foam roller under the upper back, on the floor.
    Roller,
}

/// The figure at one moment, in figure space.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stance {
    /// The centre of the head.
    pub head: Pos2,
    /// The base of the neck (between the shoulders).
    pub neck: Pos2,
    /// The middle of the hips (the bottom of the trunk).
    pub hip: Pos2,
    /// Left then right (as seen); in a side view both are the near arm.
    pub shoulders: [Pos2; 2],
    pub elbows: [Pos2; 2],
    pub hands: [Pos2; 2],
    pub knees: [Pos2; 2],
    pub feet: [Pos2; 2],
}

/// A keyframe: the stance reached at `at` and held until `until` (0–1 through the loop).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Key {
    pub at: f32,
    pub until: f32,
    pub stance: Stance,
}

/// A move's figure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figure {
    pub move_id: &'static str,
    pub viewpoint: Viewpoint,
    pub prop: Prop,
    /// One loop, seconds.
    pub period_s: f32,
    /// In time order, the first at 0; the loop returns to the first.
    pub keys: &'static [Key],
}

/// The figure for a move of the catalogue.
pub fn for_move(move_id: &str) -> Option<&'static Figure> {
    FIGURES.iter().find(|f| f.move_id == move_id)
}

/// Smooth in and out between keyframes.
fn ease(x: f32) -> f32 {
    let x = x.clamp(0.0, 1.0);
    x * x * (3.0 - 2.0 * x)
}

fn mix(a: Pos2, b: Pos2, k: f32) -> Pos2 {
    a + (b - a) * k
}

fn mix_pair(a: [Pos2; 2], b: [Pos2; 2], k: f32) -> [Pos2; 2] {
    [mix(a[0], b[0], k), mix(a[1], b[1], k)]
}

impl Stance {
    fn mix(&self, other: &Stance, k: f32) -> Stance {
        Stance {
            head: mix(self.head, other.head, k),
            neck: mix(self.neck, other.neck, k),
            hip: mix(self.hip, other.hip, k),
            shoulders: mix_pair(self.shoulders, other.shoulders, k),
            elbows: mix_pair(self.elbows, other.elbows, k),
            hands: mix_pair(self.hands, other.hands, k),
            knees: mix_pair(self.knees, other.knees, k),
            feet: mix_pair(self.feet, other.feet, k),
        }
    }
}

impl Figure {
    /// The stance `t_s` seconds into the move (looping): held within a key, eased from one
    /// key's end to the next one's start, and from the last back to the first.
    pub fn stance_at(&self, t_s: f64) -> Stance {
        let phase = (t_s / f64::from(self.period_s.max(0.1))).rem_euclid(1.0) as f32;
        let Some(first) = self.keys.first() else {
            return SEATED;
        };
        if let Some(key) = self.keys.iter().find(|k| (k.at..=k.until).contains(&phase)) {
            return key.stance;
        }
        // Between the key that ended last and the next one (the first again, a loop later).
        let from = self
            .keys
            .iter()
            .rev()
            .find(|k| k.until < phase)
            .unwrap_or(first);
        let (to, to_at) = match self.keys.iter().find(|k| k.at > phase) {
            Some(next) => (next, next.at),
            None => (first, 1.0 + first.at),
        };
        let span = (to_at - from.until).max(1e-3);
        from.stance
            .mix(&to.stance, ease((phase - from.until) / span))
    }
}

/// Maps figure space into `rect` (scaled to fit, centred).
pub fn screen_from_figure(rect: Rect) -> impl Fn(Pos2) -> Pos2 {
    let scale = (rect.width() / FIGURE_SPACE.x).min(rect.height() / FIGURE_SPACE.y);
    let origin = rect.center() - FIGURE_SPACE * scale / 2.0;
    move |p: Pos2| origin + p.to_vec2() * scale
}

/// Draws `figure` at `t_s` into a [`FIGURE_SIZE`] space and asks for the next frame.
pub fn show(ui: &mut Ui, figure: &Figure, t_s: f64) {
    let (rect, _) = ui.allocate_exact_size(FIGURE_SIZE, egui::Sense::hover());
    let to_screen = screen_from_figure(rect);
    let scale = rect.width() / FIGURE_SPACE.x;
    let ink = ui.visuals().strong_text_color();
    let faint = ui.visuals().weak_text_color().gamma_multiply(0.6);
    let painter = ui.painter_at(rect);
    let line = |a: Pos2, b: Pos2, colour: Color32, width: f32| {
        painter.line_segment(
            [to_screen(a), to_screen(b)],
            Stroke::new(width * scale, colour),
        );
    };
    match figure.prop {
        Prop::Chair => {
            line(pos2(28.0, 108.0), pos2(62.0, 108.0), faint, 3.0);
            line(pos2(30.0, 108.0), pos2(30.0, 60.0), faint, 3.0);
            line(pos2(32.0, 108.0), pos2(32.0, 119.0), faint, 3.0);
            line(pos2(60.0, 108.0), pos2(60.0, 119.0), faint, 3.0);
        }
        Prop::Floor => line(pos2(5.0, 118.0), pos2(95.0, 118.0), faint, 2.0),
        Prop::Doorway => {
            line(pos2(5.0, 118.0), pos2(95.0, 118.0), faint, 2.0);
            line(pos2(66.0, 118.0), pos2(66.0, 8.0), faint, 3.0);
        }
        Prop::Roller => {
            line(pos2(5.0, 108.0), pos2(95.0, 108.0), faint, 2.0);
            painter.circle_stroke(
                to_screen(pos2(62.0, 100.0)),
                7.0 * scale,
                Stroke::new(2.0 * scale, faint),
            );
        }
    }
    let s = figure.stance_at(t_s);
    line(s.hip, s.neck, ink, 5.0);
    line(s.neck, s.head, ink, 4.0);
    let arms = match figure.viewpoint {
        Viewpoint::Side => 1,
        Viewpoint::Front => 2,
    };
    if figure.viewpoint == Viewpoint::Front {
        line(s.shoulders[0], s.shoulders[1], ink, 4.0);
    }
    for i in 0..arms {
        line(s.hip, s.knees[i], ink, 4.0);
        line(s.knees[i], s.feet[i], ink, 3.5);
        line(s.shoulders[i], s.elbows[i], ink, 3.5);
        line(s.elbows[i], s.hands[i], ink, 3.0);
    }
    painter.circle_filled(to_screen(s.head), 9.0 * scale, ink);
    ui.ctx()
        .request_repaint_after(std::time::Duration::from_secs_f32(FRAME_INTERVAL_S));
}

/// Sitting upright, seen from the side, hands on the thighs.
const SEATED: Stance = Stance {
    head: pos2(50.0, 34.0),
    neck: pos2(46.0, 52.0),
    hip: pos2(44.0, 104.0),
    shoulders: [pos2(46.0, 56.0), pos2(46.0, 56.0)],
    elbows: [pos2(50.0, 80.0), pos2(50.0, 80.0)],
    hands: [pos2(66.0, 96.0), pos2(66.0, 96.0)],
    knees: [pos2(72.0, 104.0), pos2(72.0, 104.0)],
    feet: [pos2(72.0, 119.0), pos2(72.0, 119.0)],
};

/// Sitting, seen from the front, arms hanging.
const SEATED_FRONT: Stance = Stance {
    head: pos2(50.0, 30.0),
    neck: pos2(50.0, 48.0),
    hip: pos2(50.0, 100.0),
    shoulders: [pos2(36.0, 52.0), pos2(64.0, 52.0)],
    elbows: [pos2(33.0, 74.0), pos2(67.0, 74.0)],
    hands: [pos2(33.0, 94.0), pos2(67.0, 94.0)],
    knees: [pos2(38.0, 106.0), pos2(62.0, 106.0)],
    feet: [pos2(36.0, 119.0), pos2(64.0, 119.0)],
};

/// Standing, seen from the front, arms hanging.
const STANDING_FRONT: Stance = Stance {
    head: pos2(50.0, 18.0),
    neck: pos2(50.0, 34.0),
    hip: pos2(50.0, 78.0),
    shoulders: [pos2(37.0, 38.0), pos2(63.0, 38.0)],
    elbows: [pos2(34.0, 58.0), pos2(66.0, 58.0)],
    hands: [pos2(34.0, 76.0), pos2(66.0, 76.0)],
    knees: [pos2(45.0, 98.0), pos2(55.0, 98.0)],
    feet: [pos2(44.0, 117.0), pos2(56.0, 117.0)],
};

const fn pair(a: Pos2, b: Pos2) -> [Pos2; 2] {
    [a, b]
}

const fn same(p: Pos2) -> [Pos2; 2] {
    [p, p]
}

const fn key(at: f32, stance: Stance) -> Key {
    Key {
        at,
        until: at,
        stance,
    }
}

const fn hold(at: f32, until: f32, stance: Stance) -> Key {
    Key { at, until, stance }
}

/// Every move's figure.
pub const FIGURES: &[Figure] = &[
    Figure {
        move_id: "chin_tuck",
        viewpoint: Viewpoint::Side,
        prop: Prop::Chair,
        period_s: 4.0,
        keys: &[
            key(
                0.0,
                Stance {
                    head: pos2(55.0, 35.0),
                    ..SEATED
                },
            ),
            // The chin glides straight back, the eyes level; held; released.
            hold(
                0.3,
                0.75,
                Stance {
                    head: pos2(46.0, 34.0),
                    ..SEATED
                },
            ),
        ],
    },
    Figure {
        move_id: "brugger_relief",
        viewpoint: Viewpoint::Front,
        prop: Prop::Floor,
        period_s: 5.0,
        keys: &[
            key(0.0, SEATED_FRONT),
            // Breastbone up, shoulders back and down, arms turned out.
            hold(
                0.35,
                0.8,
                Stance {
                    head: pos2(50.0, 27.0),
                    neck: pos2(50.0, 45.0),
                    shoulders: pair(pos2(34.0, 50.0), pos2(66.0, 50.0)),
                    elbows: pair(pos2(28.0, 72.0), pos2(72.0, 72.0)),
                    hands: pair(pos2(22.0, 90.0), pos2(78.0, 90.0)),
                    ..SEATED_FRONT
                },
            ),
        ],
    },
    Figure {
        move_id: "shoulder_blade_squeeze",
        viewpoint: Viewpoint::Side,
        prop: Prop::Chair,
        period_s: 3.0,
        keys: &[
            key(
                0.0,
                Stance {
                    elbows: same(pos2(50.0, 78.0)),
                    hands: same(pos2(66.0, 74.0)),
                    ..SEATED
                },
            ),
            // Elbows drawn back and down, the chest opening.
            hold(
                0.35,
                0.7,
                Stance {
                    shoulders: same(pos2(44.0, 57.0)),
                    elbows: same(pos2(36.0, 76.0)),
                    hands: same(pos2(52.0, 70.0)),
                    ..SEATED
                },
            ),
        ],
    },
    Figure {
        move_id: "diaphragmatic_breathing",
        viewpoint: Viewpoint::Side,
        prop: Prop::Chair,
        period_s: 8.0,
        keys: &[
            key(
                0.0,
                Stance {
                    elbows: same(pos2(52.0, 76.0)),
                    hands: same(pos2(55.0, 88.0)),
                    ..SEATED
                },
            ),
            // The hand on the belly rises as it fills; the chest stays still.
            key(
                0.45,
                Stance {
                    elbows: same(pos2(56.0, 76.0)),
                    hands: same(pos2(61.0, 88.0)),
                    ..SEATED
                },
            ),
        ],
    },
    Figure {
        move_id: "chair_thoracic_extension",
        viewpoint: Viewpoint::Side,
        prop: Prop::Chair,
        period_s: 4.0,
        keys: &[
            key(
                0.0,
                Stance {
                    elbows: same(pos2(60.0, 40.0)),
                    hands: same(pos2(44.0, 30.0)),
                    ..SEATED
                },
            ),
            // Hands behind the head, the upper back arches over the chair back.
            hold(
                0.4,
                0.65,
                Stance {
                    head: pos2(36.0, 38.0),
                    neck: pos2(38.0, 55.0),
                    shoulders: same(pos2(38.0, 58.0)),
                    elbows: same(pos2(50.0, 42.0)),
                    hands: same(pos2(32.0, 34.0)),
                    ..SEATED
                },
            ),
        ],
    },
    Figure {
        move_id: "doorway_stretch",
        viewpoint: Viewpoint::Side,
        prop: Prop::Doorway,
        period_s: 6.0,
        keys: &[
            key(
                0.0,
                Stance {
                    head: pos2(44.0, 18.0),
                    neck: pos2(42.0, 34.0),
                    hip: pos2(40.0, 80.0),
                    shoulders: same(pos2(42.0, 38.0)),
                    elbows: same(pos2(60.0, 38.0)),
                    hands: same(pos2(62.0, 20.0)),
                    knees: same(pos2(41.0, 99.0)),
                    feet: same(pos2(40.0, 117.0)),
                },
            ),
            // Forearms on the frame, a small step through until the chest stretches.
            hold(
                0.35,
                0.8,
                Stance {
                    head: pos2(54.0, 18.0),
                    neck: pos2(51.0, 34.0),
                    hip: pos2(46.0, 80.0),
                    shoulders: same(pos2(51.0, 38.0)),
                    elbows: same(pos2(63.0, 40.0)),
                    hands: same(pos2(63.0, 21.0)),
                    knees: same(pos2(52.0, 98.0)),
                    feet: same(pos2(56.0, 117.0)),
                },
            ),
        ],
    },
    Figure {
        move_id: "wall_angels",
        viewpoint: Viewpoint::Front,
        prop: Prop::Floor,
        period_s: 5.0,
        keys: &[
            // Arms like goal posts against the wall, slid up and down again.
            key(
                0.0,
                Stance {
                    elbows: pair(pos2(22.0, 38.0), pos2(78.0, 38.0)),
                    hands: pair(pos2(22.0, 18.0), pos2(78.0, 18.0)),
                    ..STANDING_FRONT
                },
            ),
            key(
                0.5,
                Stance {
                    elbows: pair(pos2(27.0, 20.0), pos2(73.0, 20.0)),
                    hands: pair(pos2(38.0, 3.0), pos2(62.0, 3.0)),
                    ..STANDING_FRONT
                },
            ),
        ],
    },
    Figure {
        move_id: "foam_roller_extension",
        viewpoint: Viewpoint::Side,
        prop: Prop::Roller,
        period_s: 5.0,
        keys: &[
            // Lying back over the roller, hands behind the head.
            key(
                0.0,
                Stance {
                    head: pos2(86.0, 86.0),
                    neck: pos2(72.0, 90.0),
                    hip: pos2(24.0, 100.0),
                    shoulders: same(pos2(70.0, 90.0)),
                    elbows: same(pos2(80.0, 76.0)),
                    hands: same(pos2(90.0, 80.0)),
                    knees: same(pos2(14.0, 80.0)),
                    feet: same(pos2(6.0, 106.0)),
                },
            ),
            // The upper back extends over it, the head lowering with the hands' support.
            hold(
                0.4,
                0.65,
                Stance {
                    head: pos2(85.0, 97.0),
                    neck: pos2(72.0, 95.0),
                    hip: pos2(24.0, 100.0),
                    shoulders: same(pos2(70.0, 95.0)),
                    elbows: same(pos2(82.0, 84.0)),
                    hands: same(pos2(92.0, 92.0)),
                    knees: same(pos2(14.0, 80.0)),
                    feet: same(pos2(6.0, 106.0)),
                },
            ),
        ],
    },
    Figure {
        move_id: "seated_side_reset",
        viewpoint: Viewpoint::Front,
        prop: Prop::Floor,
        period_s: 8.0,
        keys: &[
            key(0.0, SEATED_FRONT),
            // A slow bend to one side, a hand sliding down its thigh; back through the middle;
            // then the other side.
            hold(
                0.2,
                0.35,
                Stance {
                    head: pos2(36.0, 34.0),
                    neck: pos2(41.0, 50.0),
                    shoulders: pair(pos2(28.0, 58.0), pos2(55.0, 49.0)),
                    elbows: pair(pos2(28.0, 80.0), pos2(60.0, 71.0)),
                    hands: pair(pos2(31.0, 100.0), pos2(63.0, 91.0)),
                    ..SEATED_FRONT
                },
            ),
            key(0.5, SEATED_FRONT),
            hold(
                0.7,
                0.85,
                Stance {
                    head: pos2(64.0, 34.0),
                    neck: pos2(59.0, 50.0),
                    shoulders: pair(pos2(45.0, 49.0), pos2(72.0, 58.0)),
                    elbows: pair(pos2(40.0, 71.0), pos2(72.0, 80.0)),
                    hands: pair(pos2(37.0, 91.0), pos2(69.0, 100.0)),
                    ..SEATED_FRONT
                },
            ),
        ],
    },
    Figure {
        move_id: "neck_side_stretch",
        viewpoint: Viewpoint::Front,
        prop: Prop::Floor,
        period_s: 10.0,
        keys: &[
            key(0.0, SEATED_FRONT),
            // The ear toward one shoulder, held; the middle; the other side.
            hold(
                0.1,
                0.4,
                Stance {
                    head: pos2(42.0, 33.0),
                    ..SEATED_FRONT
                },
            ),
            key(0.5, SEATED_FRONT),
            hold(
                0.6,
                0.9,
                Stance {
                    head: pos2(58.0, 33.0),
                    ..SEATED_FRONT
                },
            ),
        ],
    },
    Figure {
        move_id: "stand_and_reach",
        viewpoint: Viewpoint::Front,
        prop: Prop::Floor,
        period_s: 4.0,
        keys: &[
            key(0.0, STANDING_FRONT),
            // Both arms up, long through the sides; down again.
            hold(
                0.45,
                0.7,
                Stance {
                    elbows: pair(pos2(36.0, 20.0), pos2(64.0, 20.0)),
                    hands: pair(pos2(40.0, 3.0), pos2(60.0, 3.0)),
                    ..STANDING_FRONT
                },
            ),
        ],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coach::moves::CATALOGUE;

    #[test]
    fn every_move_has_a_figure_that_moves_and_stays_in_its_space() {
        let space = Rect::from_min_size(Pos2::ZERO, FIGURE_SPACE);
        for mv in CATALOGUE {
            let figure = for_move(mv.id).unwrap_or_else(|| panic!("{} has no figure", mv.id));
            assert!(
                figure.keys.len() >= 2 && figure.keys[0].at == 0.0,
                "{}",
                mv.id
            );
            assert!(
                figure.keys.windows(2).all(|w| w[0].at < w[1].at),
                "{}",
                mv.id
            );
            let samples: Vec<Stance> = (0..40)
                .map(|i| figure.stance_at(f64::from(figure.period_s) * f64::from(i) / 40.0))
                .collect();
            // It moves: some stance of the loop differs from the first.
            assert!(
                samples.iter().any(|s| *s != samples[0]),
                "{} stands still",
                mv.id
            );
            for s in &samples {
                let points = [s.head, s.neck, s.hip]
                    .into_iter()
                    .chain(s.shoulders)
                    .chain(s.elbows)
                    .chain(s.hands)
                    .chain(s.knees)
                    .chain(s.feet);
                for p in points {
                    assert!(space.contains(p), "{}: {p:?} outside figure space", mv.id);
                }
            }
        }
        assert_eq!(FIGURES.len(), CATALOGUE.len());
    }

    #[test]
    fn the_loop_is_continuous_and_returns_to_its_start() {
        let figure = for_move("chin_tuck").expect("a figure");
        let period = f64::from(figure.period_s);
        assert_eq!(figure.stance_at(0.0), figure.stance_at(period));
        assert_eq!(figure.stance_at(0.0), figure.keys[0].stance);
        // No jumps: 1/100 of a loop moves the head less than 2 units.
        for i in 0..100 {
            let (a, b) = (
                figure.stance_at(period * f64::from(i) / 100.0),
                figure.stance_at(period * f64::from(i + 1) / 100.0),
            );
            assert!(a.head.distance(b.head) < 2.0, "jump at {i}");
        }
        // Held at the back between 0.3 and 0.75 of the loop.
        assert_eq!(figure.stance_at(period * 0.5).head, pos2(46.0, 34.0));
    }

    #[test]
    fn figure_space_maps_into_the_rectangle_drawn() {
        let rect = Rect::from_min_size(pos2(10.0, 20.0), FIGURE_SIZE);
        let to_screen = screen_from_figure(rect);
        let (top_left, bottom_right) = (to_screen(Pos2::ZERO), to_screen(FIGURE_SPACE.to_pos2()));
        assert!(rect.expand(0.01).contains(top_left) && rect.expand(0.01).contains(bottom_right));
        assert!((to_screen(pos2(50.0, 60.0)) - rect.center()).length() < 0.01);
    }
}
