//! Continuous-monitoring benchmark: N registered counterparties (default 1,000,000) re-screened
//! against a real daily-sized delta — the UN list between its 2024-05-15 and 2026-02-27
//! editions: 141 entries added, 167 changed, 13 removed — with every other shipped list in the
//! store for the token statistics. Times `monitor run` end to end: reading the counterparties
//! from SQLite, the delta, its index, screening on all cores, and the atomic record (cases,
//! notes, audit).
//!
//! Usage: monitor-bench [--counterparties N] [--listed K]

use chokepoint_bench::{arg, data_dir};
use chokepoint_lists::{parse, InputFile, Limits};
use chokepoint_store::monitor::Counterparty;
use chokepoint_store::Store;
use std::time::Instant;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[(self.next() % v.len() as u64) as usize]
    }
}

fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .unwrap_or(0.0)
        / 1024.0
}

fn import(store: &mut Store, rel: &str) {
    let input = InputFile::read(&data_dir().join("lists").join(rel)).expect("shipped list");
    let sha = chokepoint_store::sha256_hex(&input.bytes);
    let name = input.name.clone();
    let p = parse(&[input], None, Limits::default()).expect("parses");
    store
        .import(
            &p,
            &sha,
            &[name],
            Some("2026-01-01"),
            "2026-11-27T00:00:00Z",
        )
        .expect("imports");
}

fn main() {
    let n: usize = arg("--counterparties", 1_000_000);
    let listed: usize = arg("--listed", 200);
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    println!("machine: {cores} cores");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(&dir.path().join("bench.db")).expect("store");
    for f in [
        "ofac/sdn.xml.gz",
        "ofac/CONS_ENHANCED.ZIP",
        "csl/consolidated.csv.gz",
        "bis/dpl.txt.gz",
        "eu/20240513-FULL-1_1(xsd).xml.gz",
        "uk/ConList_2025-04-14.xlsx",
        "un/consolidated_2024-05-15.xml.gz",
    ] {
        import(&mut store, f);
    }

    // Synthetic customers: people and companies built from name parts seen on the lists and
    // common trade words, so that they share tokens with listed names as real customers do;
    // `listed` of them are spelled like entries the UN added in 2026 (future true hits).
    let base = chokepoint_service::build_index(&store, None, Default::default()).expect("index");
    drop(base);
    let entities: Vec<chokepoint_model::Entity> = store
        .in_force_all(None)
        .unwrap()
        .iter()
        .flat_map(|s| store.entities(s.id).unwrap())
        .collect();
    let mut given = Vec::new();
    let mut family = Vec::new();
    for e in entities
        .iter()
        .filter(|e| e.kind == chokepoint_model::Kind::Person)
    {
        let parts: Vec<&str> = e.name.split_whitespace().collect();
        if parts.len() >= 2 {
            given.push(parts[0].to_string());
            family.push(parts[parts.len() - 1].to_string());
        }
    }
    let words = [
        "Global",
        "Trading",
        "Industrial",
        "Systems",
        "Precision",
        "Machinery",
        "Logistics",
        "Electronics",
        "Components",
        "Technical",
        "Engineering",
        "Supply",
        "Metals",
        "Marine",
        "Solutions",
        "Instruments",
        "Chemicals",
        "Energy",
        "Holding",
        "Partners",
    ];
    let forms = [
        "GmbH", "Ltd", "LLC", "SA", "BV", "Sdn Bhd", "OOO", "AG", "Inc", "SRL",
    ];
    let countries = [
        "DE", "US", "CN", "FR", "IT", "TR", "AE", "IN", "GB", "NL", "RU", "KZ",
    ];
    let mut rng = Rng(0x2545F4914F6CDD1D);
    let mut cps: Vec<Counterparty> = (0..n)
        .map(|i| {
            let person = i % 3 == 0;
            let name = if person {
                format!("{} {}", rng.pick(&given), rng.pick(&family))
            } else {
                format!(
                    "{} {} {} {}",
                    rng.pick(&family),
                    rng.pick(&words),
                    rng.pick(&words),
                    rng.pick(&forms)
                )
            };
            Counterparty {
                id: format!("c{i:07}"),
                name,
                kind: Some(if person { "person" } else { "organization" }.into()),
                country: Some(rng.pick(&countries).to_string()),
                ..Default::default()
            }
        })
        .collect();
    let un26 = parse(
        &[InputFile::read(&data_dir().join("lists/un/consolidated.xml.gz")).unwrap()],
        None,
        Limits::default(),
    )
    .unwrap();
    let old: std::collections::HashSet<&str> = entities.iter().map(|e| e.id.as_str()).collect();
    let added: Vec<&chokepoint_model::Entity> = un26
        .entities
        .iter()
        .filter(|e| !old.contains(e.id.as_str()))
        .collect();
    for (k, e) in added.iter().cycle().take(listed.min(n)).enumerate() {
        let c = &mut cps[k * (n / listed.max(1)).max(1)];
        c.name = e.name.clone();
        c.kind = None;
        c.country = None;
    }
    let t = Instant::now();
    store
        .register_counterparties("bench", &cps)
        .expect("register");
    let snaps: Vec<(String, Option<i64>, i64)> = store
        .in_force_all(None)
        .unwrap()
        .iter()
        .map(|s| (s.source.clone(), None, s.id))
        .collect();
    store
        .record_monitor(
            "bench",
            "counterparty.screen",
            Some(&[]),
            &[],
            &[],
            &snaps,
            &serde_json::json!({}),
        )
        .unwrap();
    println!(
        "registered {n} counterparties in {:.1} s ({listed} spelled like UN 2026 additions)",
        t.elapsed().as_secs_f64()
    );
    drop(cps);
    drop(entities);

    // The daily update arrives; the server already holds the index over the new lists.
    import(&mut store, "un/consolidated.xml.gz");
    let t = Instant::now();
    let index = chokepoint_service::build_index(&store, None, Default::default()).expect("index");
    println!("index over the new lists: {} entities in {:.2} s (built once per update, shared with screening)", index.len(), t.elapsed().as_secs_f64());

    let t = Instant::now();
    let r = chokepoint_service::monitor::run(&mut store, "bench", &index).expect("monitor run");
    let secs = t.elapsed().as_secs_f64();
    let s = &r.sources[0];
    println!(
        "delta: {} {} added, {} changed, {} removed → {} entities to screen against",
        s.source, s.added, s.changed, s.removed, r.delta_entities
    );
    println!(
        "monitor run: {} counterparties in {secs:.1} s ({:.0} counterparties/s, {cores} cores); {} new hits, {} cases opened, {} open cases noted; peak memory {:.0} MB",
        r.counterparties,
        r.counterparties as f64 / secs,
        r.hits,
        r.record.cases_opened.len(),
        r.record.cases_noted.len(),
        rss_mb()
    );
    let check = store.verify_audit().unwrap();
    println!(
        "audit: {} records, chain {}",
        check.records,
        if check.problems.is_empty() {
            "intact"
        } else {
            "BROKEN"
        }
    );
}
