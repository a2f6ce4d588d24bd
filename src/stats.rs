//! Summaries of a sample (median, mean), for `sitwell analyze --stats` and the benches; the
//! process's own CPU time and memory come from [`crate::platform::process`].

/// Median of a sample; none for an empty one (which must not read as a perfect 0).
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    Some(if v.len().is_multiple_of(2) {
        (v[mid - 1] + v[mid]) / 2.0
    } else {
        v[mid]
    })
}

/// Mean of a sample; none for an empty one.
pub fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_mean() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
        assert_eq!(mean(&[1.0, 2.0, 6.0]), Some(3.0));
        assert_eq!(mean(&[]), None);
    }

    #[test]
    fn cpu_time_advances_with_work() {
        use crate::platform::process::{cpu_time as process_cpu_time, peak_rss_mb};
        let before = process_cpu_time();
        // A fifth of a second of work: more than one tick of the coarsest process clock
        // (Windows counts in scheduler ticks of 10–16 ms).
        let started = std::time::Instant::now();
        let mut x = 0u64;
        while started.elapsed() < std::time::Duration::from_millis(200) {
            for i in 0..10_000u64 {
                x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(i));
            }
        }
        std::hint::black_box(x);
        assert!(process_cpu_time() > before);
        assert!(peak_rss_mb() > 1.0);
    }
}
