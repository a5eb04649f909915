//! Latency percentiles over every recorded delivery.

#[derive(Debug, Clone, Default)]
pub struct Percentiles {
    pub p50_us: u32,
    pub p99_us: u32,
    pub max_us: u32,
}

impl Percentiles {
    pub fn of(mut samples_us: Vec<u32>) -> Self {
        if samples_us.is_empty() {
            return Self::default();
        }
        samples_us.sort_unstable();
        let at = |fraction: f64| {
            let index = ((samples_us.len() as f64) * fraction).ceil() as usize;
            samples_us[index.saturating_sub(1).min(samples_us.len() - 1)]
        };
        Self { p50_us: at(0.50), p99_us: at(0.99), max_us: at(1.0) }
    }

    pub fn p99_ms(&self) -> f64 {
        f64::from(self.p99_us) / 1000.0
    }
}

pub fn ms(us: u32) -> String {
    format!("{:.1}", f64::from(us) / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_pick_the_nearest_rank() {
        let p = Percentiles::of((1..=100).rev().collect());
        assert_eq!((p.p50_us, p.p99_us, p.max_us), (50, 99, 100));
        let empty = Percentiles::of(Vec::new());
        assert_eq!(empty.max_us, 0);
        assert_eq!(ms(1_260), "1.3");
    }
}
