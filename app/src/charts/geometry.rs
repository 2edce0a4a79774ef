//! The arithmetic of the charts: scales, axis steps, arc paths, line points. Plain functions,
//! so the numbers a chart draws are tested natively and the components only place them.

/// Draws numbers into SVG path data with one decimal: finer is invisible on screen, and a
/// hand-written writer keeps the float formatting machinery out of the console's wasm.
pub fn push_num(out: &mut String, v: f64) {
    let tenths = (v * 10.0).round() as i64;
    if tenths < 0 {
        out.push('-');
    }
    let tenths = tenths.unsigned_abs();
    push_int(out, tenths / 10);
    if !tenths.is_multiple_of(10) {
        out.push('.');
        out.push(char::from(b'0' + (tenths % 10) as u8));
    }
}

fn push_int(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    digits[i..].iter().for_each(|&d| out.push(char::from(d)));
}

/// A number as a chart label: whole numbers plain, others with one decimal.
pub fn label(v: f64) -> String {
    let mut s = String::new();
    push_num(&mut s, v);
    s
}

/// The share of `part` in `total` in percent, none when there is nothing to share.
pub fn percent(part: f64, total: f64) -> Option<f64> {
    (total > 0.0).then(|| part / total * 100.0)
}

/// An axis from zero to a round top with about `count` steps of 1, 2, 2.5 or 5 × 10ⁿ, so the
/// gridlines fall on numbers people read at a glance. An empty or all-zero chart still gets
/// an axis (0 to 1) so its frame is drawn.
pub fn ticks(max: f64, count: usize) -> Vec<f64> {
    let count = count.max(1);
    let max = if max.is_finite() && max > 0.0 {
        max
    } else {
        1.0
    };
    let raw = max / count as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * magnitude);
    let steps = (max / step - 1e-9).ceil().max(1.0) as usize;
    (0..=steps).map(|i| i as f64 * step).collect()
}

/// The largest value of the data, targets included, that an axis must reach.
pub fn data_max<'a>(values: impl IntoIterator<Item = &'a Option<f64>>) -> f64 {
    values
        .into_iter()
        .flatten()
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
}

/// Maps 0…`top` onto 0…`len` (pixels); values outside are clamped to the plot.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    pub top: f64,
    pub len: f64,
}

impl Scale {
    pub fn at(self, v: f64) -> f64 {
        if self.top <= 0.0 {
            return 0.0;
        }
        (v / self.top).clamp(0.0, 1.0) * self.len
    }
}

/// One slice of a donut: its path and its share in percent.
#[derive(Debug, Clone, PartialEq)]
pub struct Arc {
    pub path: String,
    pub percent: f64,
}

/// The ring slices of a donut centred on (`c`, `c`) between radii `inner` and `outer`,
/// clockwise from twelve o'clock. Zero values get no slice (their share is 0 %); a lone
/// non-zero value is a full ring, drawn as two halves because one SVG arc cannot close on
/// itself. Nothing to share: no slices.
pub fn donut(values: &[f64], c: f64, outer: f64, inner: f64) -> Vec<Option<Arc>> {
    let total: f64 = values.iter().filter(|v| **v > 0.0).sum();
    let mut start = 0.0;
    values
        .iter()
        .map(|&v| {
            let share = percent(v.max(0.0), total).filter(|p| *p > 0.0)?;
            let end = start + share / 100.0;
            let path = if share >= 100.0 - 1e-9 {
                let mut p = ring_arc(c, outer, inner, 0.0, 0.5);
                p.push_str(&ring_arc(c, outer, inner, 0.5, 1.0));
                p
            } else {
                ring_arc(c, outer, inner, start, end)
            };
            start = end;
            Some(Arc {
                path,
                percent: share,
            })
        })
        .collect()
}

/// A point on a circle at `turn` (0 = twelve o'clock, 0.5 = six, clockwise).
pub fn polar(c: f64, r: f64, turn: f64) -> (f64, f64) {
    let a = turn * std::f64::consts::TAU;
    (c + r * a.sin(), c - r * a.cos())
}

fn ring_arc(c: f64, outer: f64, inner: f64, from: f64, to: f64) -> String {
    let large = if to - from > 0.5 { "1" } else { "0" };
    let mut d = String::with_capacity(64);
    let point = |d: &mut String, cmd: &str, (x, y): (f64, f64)| {
        d.push_str(cmd);
        push_num(d, x);
        d.push(' ');
        push_num(d, y);
    };
    point(&mut d, "M", polar(c, outer, from));
    let radius = |d: &mut String, r: f64, sweep: &str| {
        d.push('A');
        push_num(d, r);
        d.push(' ');
        push_num(d, r);
        d.push_str(" 0 ");
        d.push_str(large);
        d.push(' ');
        d.push_str(sweep);
        d.push(' ');
    };
    radius(&mut d, outer, "1");
    point(&mut d, "", polar(c, outer, to));
    point(&mut d, "L", polar(c, inner, to));
    radius(&mut d, inner, "0");
    point(&mut d, "", polar(c, inner, from));
    d.push('Z');
    d
}

/// The x of the middle of slot `i` of `n` equal slots across `len`.
pub fn slot_centre(i: usize, n: usize, len: f64) -> f64 {
    if n == 0 {
        return 0.0;
    }
    len / n as f64 * (i as f64 + 0.5)
}

/// The width of each bar and the gap before the first in a slot of `slot` holding `groups`
/// bars side by side: the group fills 70 % of the slot, centred, and no bar is wider than 36
/// (one lone bar across a wide chart reads as a block, not a bar).
pub fn bar_band(slot: f64, groups: usize) -> (f64, f64) {
    let groups = groups.max(1) as f64;
    let bar = (slot * 0.7 / groups).min(36.0);
    (bar, (slot - bar * groups) / 2.0)
}

/// The path of a line through the known values, broken where a value is missing (a week with
/// no data is a gap, not a zero). x is the slot centre across `width`, y grows downward from
/// `height` (the zero line); the plot's top left corner is at `origin`.
pub fn line_path(
    values: &[Option<f64>],
    origin: (f64, f64),
    width: f64,
    height: f64,
    top: f64,
) -> String {
    let y = Scale { top, len: height };
    let mut d = String::new();
    let mut pen_down = false;
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => {
                d.push(if pen_down { 'L' } else { 'M' });
                push_num(&mut d, origin.0 + slot_centre(i, values.len(), width));
                d.push(' ');
                push_num(&mut d, origin.1 + height - y.at(*v));
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_with_one_decimal_at_most() {
        for (v, want) in [
            (0.0, "0"),
            (12.0, "12"),
            (12.34, "12.3"),
            (12.36, "12.4"),
            (-3.5, "-3.5"),
            (-0.04, "0"),
            (1234567.0, "1234567"),
            (99.96, "100"),
        ] {
            assert_eq!(label(v), want, "{v}");
        }
    }

    #[test]
    fn percent_is_none_without_a_total() {
        assert_eq!(percent(1.0, 4.0), Some(25.0));
        assert_eq!(percent(0.0, 0.0), None);
        assert_eq!(percent(3.0, 0.0), None);
    }

    #[test]
    fn axis_steps_are_round_and_reach_the_top() {
        for (max, count, want) in [
            (100.0, 4, vec![0.0, 25.0, 50.0, 75.0, 100.0]),
            (5.0, 5, vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0]),
            (7.0, 4, vec![0.0, 2.0, 4.0, 6.0, 8.0]),
            (0.0, 4, vec![0.0, 0.25, 0.5, 0.75, 1.0]),
            (f64::NAN, 4, vec![0.0, 0.25, 0.5, 0.75, 1.0]),
            (1300.0, 4, vec![0.0, 500.0, 1000.0, 1500.0]),
            (42.0, 5, vec![0.0, 10.0, 20.0, 30.0, 40.0, 50.0]),
            (3.0, 0, vec![0.0, 5.0]),
        ] {
            assert_eq!(ticks(max, count), want, "max {max}, {count} steps");
        }
    }

    #[test]
    fn data_max_ignores_gaps_and_non_numbers() {
        assert_eq!(data_max(&[Some(3.0), None, Some(7.5), Some(f64::NAN)]), 7.5);
        assert_eq!(data_max(&[None, None]), 0.0);
    }

    #[test]
    fn scale_clamps_to_the_plot() {
        let s = Scale {
            top: 50.0,
            len: 200.0,
        };
        assert_eq!(s.at(25.0), 100.0);
        assert_eq!(s.at(80.0), 200.0);
        assert_eq!(s.at(-5.0), 0.0);
        assert_eq!(
            Scale {
                top: 0.0,
                len: 10.0
            }
            .at(3.0),
            0.0
        );
    }

    #[test]
    fn donut_slices_follow_the_shares_clockwise() {
        let arcs = donut(&[1.0, 0.0, 3.0], 50.0, 40.0, 20.0);
        let shares: Vec<_> = arcs.iter().map(|a| a.as_ref().map(|a| a.percent)).collect();
        assert_eq!(shares, vec![Some(25.0), None, Some(75.0)]);
        // The first quarter runs from twelve to three o'clock on the outer ring.
        assert_eq!(
            arcs[0].as_ref().unwrap().path,
            "M50 10A40 40 0 0 1 90 50L70 50A20 20 0 0 0 50 30Z"
        );
        // The second slice is more than half a turn: the large-arc flag is set.
        assert!(
            arcs[2]
                .as_ref()
                .unwrap()
                .path
                .starts_with("M90 50A40 40 0 1 1 ")
        );
    }

    #[test]
    fn a_lone_value_is_a_full_ring_and_no_data_no_slices() {
        let arcs = donut(&[0.0, 9.0], 50.0, 40.0, 20.0);
        let full = arcs[1].as_ref().unwrap();
        assert_eq!(full.percent, 100.0);
        assert_eq!(full.path.matches('Z').count(), 2, "two halves");
        assert_eq!(donut(&[0.0, 0.0], 50.0, 40.0, 20.0), vec![None, None]);
        assert!(donut(&[], 50.0, 40.0, 20.0).is_empty());
    }

    #[test]
    fn polar_turns_clockwise_from_twelve() {
        let (x, y) = polar(0.0, 10.0, 0.25);
        assert!((x - 10.0).abs() < 1e-9 && y.abs() < 1e-9);
        let (x, y) = polar(0.0, 10.0, 0.5);
        assert!(x.abs() < 1e-9 && (y - 10.0).abs() < 1e-9);
    }

    #[test]
    fn lines_break_at_missing_weeks() {
        let at = (0.0, 0.0);
        let d = line_path(
            &[Some(0.0), Some(5.0), None, Some(10.0)],
            at,
            400.0,
            100.0,
            10.0,
        );
        assert_eq!(d, "M50 100L150 50M350 0");
        let moved = line_path(&[Some(0.0), Some(10.0)], (40.0, 10.0), 400.0, 100.0, 10.0);
        assert_eq!(moved, "M140 110L340 10");
        assert_eq!(line_path(&[None, None], at, 400.0, 100.0, 10.0), "");
        assert_eq!(line_path(&[], at, 400.0, 100.0, 10.0), "");
    }

    #[test]
    fn bars_are_centred_in_their_slot() {
        assert_eq!(bar_band(100.0, 2), (35.0, 15.0));
        assert_eq!(bar_band(200.0, 1), (36.0, 82.0));
        assert_eq!(bar_band(100.0, 0), (36.0, 32.0));
    }

    #[test]
    fn slots_are_centred() {
        assert_eq!(slot_centre(0, 4, 400.0), 50.0);
        assert_eq!(slot_centre(3, 4, 400.0), 350.0);
        assert_eq!(slot_centre(0, 0, 400.0), 0.0);
    }
}
