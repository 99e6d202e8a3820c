//! Screening speed: index build time and memory over all shipped lists, single-thread throughput
//! and latency percentiles of person-name queries with attributes, batch scaling with threads,
//! candidate-generation recall against exhaustive scoring, and a scale test on synthetic entities.
//!
//! Usage: cargo run --release -p chokepoint-bench --bin screen-bench [-- --queries N] [--scale N]
//! [--recall N] [--max-threads N]  (`--scale 0 --recall 0 --max-threads 0`: single thread only)
//! `--arabic` measures up to `--queries` names the lists write in Arabic script instead of the
//! generated queries, `LOAD_QUERIES=FILE.csv` a batch file's. `--with-address` gives each query
//! a street address, that of a listed entity drawn at random (street, city, postal code): the
//! cost of screening addresses, and with `--recall` the candidate recall of such queries.

use chokepoint_bench::current_lists;
use chokepoint_model::{Entity, Kind, PartialDate};
use chokepoint_screen::{Config, Index, Match, Query};
use rayon::prelude::*;
use std::time::Instant;

fn rss_mb() -> (f64, f64) {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let get = |k: &str| {
        s.lines()
            .find(|l| l.starts_with(k))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1024.0
    };
    (get("VmRSS:"), get("VmHWM:"))
}

/// A small deterministic generator, so every run screens the same queries.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Up to `n` of the names the lists write in Arabic script, each once and spread over them in
/// sorted order, as queries of their entity's kind with no attribute: candidate recall across
/// scripts, where the Latin spellings of a name on the other lists are found by skeleton.
fn arabic_queries(lists: &[(String, Entity)], n: usize) -> Vec<Query> {
    let mut names: Vec<(&str, Kind)> = lists
        .iter()
        .flat_map(|(_, e)| e.names.iter().map(move |x| (x.full.as_str(), e.kind)))
        .filter(|(x, _)| x.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)))
        .collect();
    names.sort_unstable_by_key(|x| x.0);
    names.dedup_by_key(|x| x.0);
    let step = names.len().div_ceil(n.max(1)).max(1);
    names
        .into_iter()
        .step_by(step)
        .map(|(name, kind)| Query {
            name: name.to_string(),
            kind: Some(kind),
            ..Query::default()
        })
        .collect()
}

/// Person-name queries: half are listed names with a typo or reordering, half recombine given
/// and family names of different listed people (names that are mostly on no list). Each has a
/// birth year and a country, as a customer record would.
fn queries(lists: &[(String, Entity)], n: usize, rng: &mut Rng) -> Vec<Query> {
    let persons: Vec<&Entity> = lists
        .iter()
        .map(|(_, e)| e)
        .filter(|e| e.kind == Kind::Person && e.name.split_whitespace().count() >= 2)
        .collect();
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let e = persons[rng.below(persons.len())];
        let mut words: Vec<String> = e.name.split_whitespace().map(String::from).collect();
        if i % 2 == 0 {
            let w = rng.below(words.len());
            let mut chars: Vec<char> = words[w].chars().collect();
            if chars.len() > 4 {
                chars.remove(rng.below(chars.len()));
            }
            words[w] = chars.into_iter().collect();
            if rng.below(3) == 0 {
                words.rotate_left(1);
            }
        } else {
            let other = persons[rng.below(persons.len())];
            let last = other
                .name
                .split_whitespace()
                .last()
                .unwrap_or("")
                .to_string();
            let l = words.len() - 1;
            words[l] = last;
        }
        out.push(Query {
            name: words.join(" "),
            kind: Some(Kind::Person),
            birth_date: PartialDate::new(1940 + rng.below(60) as i32, None, None).ok(),
            country: Some(
                ["RU", "IR", "SY", "KP", "AF", "IQ", "CN", "US", "DE", "AE"][rng.below(10)]
                    .to_string(),
            ),
            ..Default::default()
        });
    }
    out
}

/// The value after `key` on the command line, or `default`.
fn arg_or<T: std::str::FromStr>(args: &[String], key: &str, default: T) -> T {
    args.iter()
        .position(|a| a == key)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Throughput, p50, p99 and max latency (ms) of one screening per query, one after another.
fn latency_run(qs: &[Query], screen: impl Fn(&Query) -> Vec<Match>) -> (f64, f64, f64, f64) {
    let mut lat = Vec::with_capacity(qs.len());
    let t0 = Instant::now();
    for q in qs {
        let t = Instant::now();
        std::hint::black_box(screen(q));
        lat.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let total = t0.elapsed().as_secs_f64();
    lat.sort_by(f64::total_cmp);
    (
        qs.len() as f64 / total,
        percentile(&lat, 0.5),
        percentile(&lat, 0.99),
        *lat.last().unwrap(),
    )
}

fn main() {
    chokepoint_service::allocator::tune();
    let args: Vec<String> = std::env::args().collect();
    let arg = |k: &str, d: usize| arg_or(&args, k, d);
    let nq = arg("--queries", 20_000);
    let scale = arg("--scale", 1_000_000);
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    println!("machine: {cores} cores");

    let lists = current_lists();
    let mut rng = Rng(0x9E3779B97F4A7C15);
    // Generated whatever the query set: the scale test below draws from the same stream.
    let mut qs = queries(&lists, nq, &mut rng);
    if args.iter().any(|a| a == "--arabic") {
        qs = arabic_queries(&lists, nq);
        println!(
            "queries: {} names the lists write in Arabic script",
            qs.len()
        );
    }
    if let Ok(path) = std::env::var("LOAD_QUERIES") {
        // Another query set (a batch CSV: id,name,type,birth_date,country), such as names
        // written in Arabic script, for the same measures.
        let file = std::fs::File::open(&path).expect("LOAD_QUERIES: cannot open");
        qs = chokepoint_screen::batch::read_batch(std::io::BufReader::new(file), &[])
            .expect("LOAD_QUERIES: not a batch CSV")
            .into_iter()
            .filter_map(|r| r.query.ok().map(|(_, q)| q))
            .collect();
        println!("queries: {} from {path}", qs.len());
    }
    if args.iter().any(|a| a == "--with-address") {
        let addresses: Vec<String> = lists
            .iter()
            .flat_map(|(_, e)| &e.addresses)
            .filter(|a| {
                a.street
                    .as_ref()
                    .is_some_and(|s| s.bytes().any(|b| b.is_ascii_digit()))
            })
            .map(|a| {
                [&a.street, &a.city, &a.postal_code]
                    .into_iter()
                    .flatten()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .collect();
        for q in &mut qs {
            q.address = Some(addresses[rng.below(addresses.len())].clone());
        }
        println!(
            "queries: each with a street address drawn from the {} the lists give",
            addresses.len()
        );
    }
    let nq = qs.len();
    if let Ok(path) = std::env::var("DUMP_QUERIES") {
        // For comparing other matchers on the very same queries (bench/nomenklatura.sh).
        let lines: Vec<String> = qs
            .iter()
            .map(|q| {
                serde_json::json!({
                    "name": q.name,
                    "birth_date": q.birth_date.map(|d| d.to_string()),
                    "country": q.country,
                })
                .to_string()
            })
            .collect();
        std::fs::write(path, lines.join("\n") + "\n").expect("write queries");
    }
    // Given and family names for the scale test, taken before the lists move into the index.
    let persons: Vec<Vec<String>> = lists
        .iter()
        .filter(|(_, e)| e.kind == Kind::Person)
        .map(|(_, e)| e.name.split_whitespace().map(String::from).collect())
        .collect();
    let t = Instant::now();
    // The index owns the entities: what is resident now is what a screening process holds.
    let mut config = Config::default();
    config.candidates = arg("--candidates", config.candidates);
    config.max_candidates = arg("--max-candidates", config.max_candidates);
    config.reading_margin = arg_or(&args, "--reading-margin", config.reading_margin);
    config.estimate_margin = arg_or(&args, "--estimate-margin", config.estimate_margin);
    let index = Index::build(lists, config);
    let build = t.elapsed().as_secs_f64();
    // As the server does after each build (a one-off CLI screening leaves it to the queries).
    let t = Instant::now();
    index.warm();
    let warm = t.elapsed().as_secs_f64();
    let (rss1, hwm1) = rss_mb();
    println!("index: {} entities ({} name readings), built in {build:.2} s + {warm:.2} s to find every list word's spellings, resident memory {rss1:.0} MB (peak {hwm1:.0} MB; the index holds each entity's id, kind, names and birth dates)", index.len(), index.readings());

    // Warm-up, then single-thread latency: the ten best matches whatever their score (what
    // the recall below measures), then the alerts only (a screening's default answer).
    // `--mode top10` or `--mode alerts` runs only that one (bench/instructions.sh counts
    // one screening a query).
    let mode = args
        .iter()
        .position(|a| a == "--mode")
        .and_then(|i| args.get(i + 1))
        .map_or("both", String::as_str);
    let top10 = |q: &Query| index.screen(q, 10);
    let alerts = |q: &Query| index.screen_alerts(q);
    if mode == "alerts" {
        latency_run(&qs[..nq.min(500)], alerts);
    } else {
        latency_run(&qs[..nq.min(500)], top10);
        let (qps, p50, p99, max) = latency_run(&qs, top10);
        println!("single thread: {nq} person queries with birth year and country: {qps:.0} queries/s, p50 {p50:.3} ms, p99 {p99:.3} ms, max {max:.2} ms");
    }
    if mode != "top10" {
        let (qps, p50, p99, max) = latency_run(&qs, alerts);
        println!("single thread, alerts only: {qps:.0} queries/s, p50 {p50:.3} ms, p99 {p99:.3} ms, max {max:.2} ms");
    }

    let max_threads = arg("--max-threads", cores);
    for threads in [1usize, 2, 4, 8, 16]
        .into_iter()
        .filter(|t| *t <= cores.min(max_threads))
    {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let t = Instant::now();
        pool.install(|| {
            qs.par_iter().for_each(|q| {
                std::hint::black_box(index.screen(q, 10));
            })
        });
        let qps = qs.len() as f64 / t.elapsed().as_secs_f64();
        let t = Instant::now();
        pool.install(|| {
            qs.par_iter().for_each(|q| {
                std::hint::black_box(index.screen_alerts(q));
            })
        });
        let aps = qs.len() as f64 / t.elapsed().as_secs_f64();
        println!("batch, {threads} thread(s): {qps:.0} queries/s top 10, {aps:.0} alerts only");
    }

    // Candidate generation against exhaustive scoring: the index's top 10 must hold ≥ 99.5 % of
    // the exhaustive top 10 (entities with a non-zero score).
    let sample = &qs[..qs.len().min(arg("--recall", 1000))];
    let (mut found, mut wanted) = (0usize, 0usize);
    // The same, counting only exhaustive matches at or above 0.5 and at or above the alert
    // threshold: the ones a reviewer could ever see.
    let (mut f50, mut w50, mut fa, mut wa) = (0usize, 0usize, 0usize, 0usize);
    // And the alerts-only screening against every exhaustive alert: found, wanted, and
    // alerts the index reported that exhaustive scoring does not (it must report none).
    let (mut fo, mut wo, mut extra) = (0usize, 0usize, 0usize);
    let most = index.config().max_candidates;
    for q in sample {
        let fast = index.screen(q, 10);
        // The exhaustive best `most` in order: the first 10 are the exhaustive top 10 (the
        // order is total, ties broken by entity id), the alerts among them are every alert
        // an alerts-only screening may return.
        let wide = index.screen_exhaustive(q, most);
        let full = &wide[..wide.len().min(10)];
        let only = index.screen_alerts(q);
        for m in wide.iter().filter(|m| m.alert) {
            wo += 1;
            if only.iter().any(|f| f.entity_id == m.entity_id) {
                fo += 1;
            } else if std::env::var("DEBUG_RECALL").is_ok() {
                println!(
                    "alerts only missed {:?}: {} {:.3}",
                    q.name, m.entity_id, m.score
                );
            }
        }
        extra += only
            .iter()
            .filter(|f| !wide.iter().any(|m| m.alert && m.entity_id == f.entity_id))
            .count();
        // An exhaustive top-10 match counts as found when the index returned it, or when the
        // index's top 10 is full of matches scoring at least as high (an equal score is an
        // equally good candidate: among tied entities "the" top 10 is arbitrary).
        let floor = if fast.len() == 10 {
            fast[9].score
        } else {
            f32::INFINITY
        };
        for m in full {
            // The index may score an entity through another reading than exhaustive scoring
            // does (`Config::reading_margin`): show where that changes the score.
            if let Some(f) = fast.iter().find(|f| f.entity_id == m.entity_id) {
                if (f.score - m.score).abs() > 1e-4 && std::env::var("DEBUG_RECALL").is_ok() {
                    println!(
                        "score differs for {:?} ({:?} {:?}): {} fast {:.3} exhaustive {:.3} ({:?} / {:?})",
                        q.name,
                        q.birth_date.map(|d| d.to_string()),
                        q.country,
                        m.entity_id,
                        f.score,
                        m.score,
                        f.matched_name,
                        m.matched_name
                    );
                }
            }
            wanted += 1;
            let ok = fast.iter().any(|f| f.entity_id == m.entity_id) || m.score <= floor;
            if m.score >= 0.5 {
                w50 += 1;
                f50 += ok as usize;
            }
            if m.alert {
                wa += 1;
                fa += ok as usize;
            }
            if ok {
                found += 1;
            } else if std::env::var("DEBUG_RECALL").is_ok() {
                let pairs: Vec<String> = m
                    .explanation
                    .name
                    .tokens
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                println!(
                    "missed {:?} ({:?} {:?}): {} {:.3} {:?} [{}]; fast has {} (last {:?})",
                    q.name,
                    q.birth_date.map(|d| d.to_string()),
                    q.country,
                    m.entity_id,
                    m.score,
                    m.matched_name,
                    pairs.join(", "),
                    fast.len(),
                    fast.last()
                        .map(|f| (f.score, f.entity_id.clone(), f.matched_name.clone()))
                );
            }
        }
    }
    println!(
        "candidate recall vs exhaustive top-10 on {} queries: {:.2} % ({found}/{wanted})",
        sample.len(),
        100.0 * found as f64 / wanted.max(1) as f64
    );
    println!(
        "  of those scoring >= 0.5: {:.2} % ({f50}/{w50}); of alerts: {:.2} % ({fa}/{wa})",
        100.0 * f50 as f64 / w50.max(1) as f64,
        100.0 * fa as f64 / wa.max(1) as f64
    );
    println!(
        "alerts-only recall vs exhaustive alerts: {:.2} % ({fo}/{wo}); reported alerts exhaustive scoring does not: {extra}",
        100.0 * fo as f64 / wo.max(1) as f64
    );

    if scale > 0 {
        // Synthetic entities recombining real given and family names.
        let mut synth = Vec::with_capacity(scale);
        for i in 0..scale {
            let a = &persons[rng.below(persons.len())];
            let b = &persons[rng.below(persons.len())];
            let name = format!("{} {}", a[0], b[b.len() - 1]);
            let mut e = Entity::new(format!("synth:{i}"), Kind::Person, name);
            e.birth_dates.push(chokepoint_model::DateSpec::single(
                PartialDate::new(1930 + rng.below(70) as i32, None, None).unwrap(),
            ));
            synth.push(("synth".to_string(), e));
        }
        drop(index);
        let (r0, _) = rss_mb();
        let t = Instant::now();
        let big = Index::build(synth, Config::default());
        big.warm();
        let build = t.elapsed().as_secs_f64();
        let (r1, hwm) = rss_mb();
        let sq = &qs[..qs.len().min(5000)];
        let (qps, p50, p99, max) = latency_run(sq, |q| big.screen(q, 10));
        println!(
            "scale: {} synthetic entities, built (and warmed) in {build:.1} s, resident {r1:.0} MB (+{:.0} MB, peak {hwm:.0} MB); {qps:.0} queries/s, p50 {p50:.2} ms, p99 {p99:.2} ms, max {max:.1} ms",
            big.len(),
            r1 - r0
        );
        let (qps, p50, p99, max) = latency_run(sq, |q| big.screen_alerts(q));
        println!(
            "scale, alerts only: {qps:.0} queries/s, p50 {p50:.2} ms, p99 {p99:.2} ms, max {max:.1} ms"
        );
    }
}
