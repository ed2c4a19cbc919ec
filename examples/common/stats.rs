//! Summaries of repeated timings and the machine they ran on, shared by the benchmarks
//! (`#[path]`-included).

#![allow(dead_code)] // each benchmark uses what it needs

fn sorted(t: &[f64]) -> Vec<f64> {
    let mut v = t.to_vec();
    v.sort_by(f64::total_cmp);
    v
}

/// The fastest timing (NaN for none).
pub fn best(t: &[f64]) -> f64 {
    sorted(t).first().copied().unwrap_or(f64::NAN)
}

/// The slowest timing (NaN for none).
pub fn worst(t: &[f64]) -> f64 {
    sorted(t).last().copied().unwrap_or(f64::NAN)
}

/// The middle timing; the upper of the two middle ones for an even count (NaN for none).
pub fn median(t: &[f64]) -> f64 {
    let v = sorted(t);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// The CPU's model name and the number of cores, from `/proc/cpuinfo`.
pub fn cpu_model() -> String {
    let cpus = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpus
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|l| l.trim_start_matches([' ', '\t', ':']).to_owned())
        .unwrap_or_else(|| "unknown CPU".into());
    let n = cpus.lines().filter(|l| l.starts_with("processor")).count();
    format!("{model}, {n} cores")
}
