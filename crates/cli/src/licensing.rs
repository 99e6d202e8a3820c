//! `chokepoint licensing` and `chokepoint denials`: the licensing authority's side.

use anyhow::{Context, Result};
use chokepoint_licensing::{Application, Denial};
use chokepoint_service::licensing::{self as lic, MoveRequest};
use chokepoint_store::Store;
use clap::Subcommand;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum LicensingCmd {
    /// File a draft application (JSON: exporter {name, country}, parties [{role, name, country,
    /// address}] with an end_user, items [{control_entry, description, quantity, value}],
    /// destination, end_use)
    File {
        /// The application (JSON)
        file: PathBuf,
    },
    /// Move an application: submitted, under_review, referred, returned, recommended, approved,
    /// denied, issued (see data/licensing/lifecycle.json for who may make which move)
    Move {
        /// Application id
        id: i64,
        /// The new state
        #[arg(long)]
        to: String,
        /// Why (returns, sending back)
        #[arg(long)]
        note: Option<String>,
        /// Agency to refer it to (repeat)
        #[arg(long = "agency")]
        agencies: Vec<String>,
        /// A case officer's recommendation: approve or deny
        #[arg(long = "recommend")]
        recommendation: Option<String>,
        /// The regime of a denial: NSG, MTCR, AG, WA, EU
        #[arg(long)]
        regime: Option<String>,
        /// The denial reason
        #[arg(long)]
        reason: Option<String>,
        /// Last valid day of the licence (YYYY-MM-DD), when issuing
        #[arg(long)]
        valid_until: Option<String>,
        /// A licence condition (repeat)
        #[arg(long = "condition")]
        conditions: Vec<String>,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Record an agency's advice on a referred application
    Advise {
        /// Application id
        id: i64,
        /// The agency advising
        #[arg(long)]
        agency: String,
        /// The advice
        #[arg(long)]
        advice: String,
    },
    /// Record the consultation of the authority that issued a denial (no-undercut)
    Consult {
        /// Application id
        id: i64,
        /// The denial's reference
        #[arg(long)]
        denial: String,
        /// What the partner answered (e.g. no-objection, objection)
        #[arg(long)]
        outcome: String,
        /// What was said, when, with whom
        #[arg(long)]
        note: String,
    },
    /// Show an application with its history, assessment, no-undercut findings and licence
    Show {
        /// Application id
        id: i64,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// List applications
    List {
        /// Only those in this state
        #[arg(long)]
        status: Option<String>,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum DenialsCmd {
    /// Record denials: own or partners' — a JSON array of {reference, origin, regime, parties
    /// [{name, address, country}], items [{control_entry, description}], destination, reason,
    /// denied_on}, or a CSV with the header reference,origin,regime,denied_on,destination,reason,
    /// party_name,party_address,party_country,control_entry,item_description (one row per party
    /// and item; rows of one reference form one denial), or FollowTheMoney JSON lines (.jsonl,
    /// .ftm.json: a Sanction per denial — program = regime, provisions = control entries —
    /// naming its entity). All or none are recorded.
    Add {
        /// The file (.json or .csv)
        file: PathBuf,
    },
    /// List recorded denials
    List,
    /// Make an Ed25519 key pair for signing exports: the secret seed goes to FILE (keep it),
    /// the public key is printed (give it to partners)
    Keygen {
        /// Where to write the secret key
        #[arg(long)]
        out: PathBuf,
    },
    /// Export this authority's own denials, signed, for partners
    Export {
        /// The secret key file (from keygen)
        #[arg(long)]
        key: PathBuf,
        /// Name of this authority
        #[arg(long)]
        issuer: String,
        /// Output file
        #[arg(long)]
        out: PathBuf,
    },
    /// Check and import a partner's signed export
    Import {
        /// The export file
        file: PathBuf,
        /// The partner's public key (hex), obtained out of band
        #[arg(long)]
        public_key: String,
        /// The partner's country code (the denials' origin)
        #[arg(long)]
        origin: String,
        /// Only check the signature; import nothing
        #[arg(long)]
        verify_only: bool,
    },
}

pub fn licensing(
    store: &mut Store,
    user: &str,
    cmd: LicensingCmd,
    index: impl FnOnce(&Store) -> Result<chokepoint_screen::Index>,
) -> Result<ExitCode> {
    match cmd {
        LicensingCmd::File { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let app: Application = serde_json::from_str(&text)
                .with_context(|| format!("{}: not a valid application", file.display()))?;
            let id = lic::file(store, user, &app)?;
            println!("application {id} filed as a draft");
        }
        LicensingCmd::Move {
            id,
            to,
            note,
            agencies,
            recommendation,
            regime,
            reason,
            valid_until,
            conditions,
            json,
        } => {
            let req = MoveRequest {
                note,
                agencies,
                recommendation,
                regime,
                reason,
                valid_until,
                conditions,
            };
            let ix = index(store)?;
            let m = lic::move_to(store, user, id, &to, &req, &ix)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&m)?);
            } else {
                println!(
                    "application {id}: {} → {} (audit record {})",
                    m.from, m.status, m.audit_seq
                );
                if let Some(a) = &m.assessment {
                    println!("  assessment: {}", a["outcome"]);
                }
                for u in &m.undercuts {
                    println!(
                        "  essentially identical to {} denial {} ({}; {}): {}",
                        u.origin,
                        u.denial,
                        u.regime,
                        if u.rule == "consult" {
                            "consult before approving"
                        } else {
                            "notify partners after approval"
                        },
                        u.why.join("; ")
                    );
                }
                if let Some(l) = &m.licence {
                    println!(
                        "  licence {} valid until {}",
                        l["number"].as_str().unwrap_or(""),
                        l["valid_until"].as_str().unwrap_or("")
                    );
                }
            }
        }
        LicensingCmd::Advise { id, agency, advice } => {
            lic::advise(store, user, id, &agency, &advice)?;
            println!("application {id}: advice of {agency} recorded");
        }
        LicensingCmd::Consult {
            id,
            denial,
            outcome,
            note,
        } => {
            lic::consult(store, user, id, &denial, &outcome, &note)?;
            println!("application {id}: consultation on denial {denial} recorded");
        }
        LicensingCmd::Show { id, json } => {
            let a = store
                .application(id)?
                .ok_or_else(|| anyhow::anyhow!("no application {id}"))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&a)?);
            } else {
                println!(
                    "application {} ({}) filed {} by {}",
                    a.id, a.status, a.created_at, a.applicant
                );
                for e in &a.events {
                    println!(
                        "  {} {} {} → {}",
                        e["at"].as_str().unwrap_or(""),
                        e["actor"].as_str().unwrap_or(""),
                        e["from"].as_str().unwrap_or(""),
                        e["to"].as_str().unwrap_or("")
                    );
                }
                println!("  state: {}", a.state);
            }
        }
        LicensingCmd::List { status, json } => {
            let v = store.applications(status.as_deref())?;
            if json {
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                for a in &v {
                    println!(
                        "{:>5}  {:<13} {}  {}",
                        a.id, a.status, a.updated_at, a.applicant
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn denials(store: &mut Store, user: &str, cmd: DenialsCmd) -> Result<ExitCode> {
    match cmd {
        DenialsCmd::Add { file } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let name = file.display().to_string();
            let lower = name.to_ascii_lowercase();
            let ds: Vec<Denial> = if lower.ends_with(".csv") {
                lic::read_denials_csv(&bytes, &name)?
            } else if lower.ends_with(".jsonl") || lower.ends_with(".ftm.json") {
                lic::read_denials_ftm(&bytes, &name)?
            } else {
                serde_json::from_slice(&bytes)
                    .with_context(|| format!("{name}: not a JSON array of denials"))?
            };
            let n = lic::record_denials(store, user, &ds).with_context(|| name.clone())?;
            println!("{n} denial(s) recorded");
        }
        DenialsCmd::List => {
            println!("{}", serde_json::to_string_pretty(&store.denials()?)?);
        }
        DenialsCmd::Keygen { out } => {
            let (secret, public) = lic::keygen()?;
            write_private(&out, &secret)?;
            println!("secret key written to {} (keep it safe)", out.display());
            println!("public key: {public}");
        }
        DenialsCmd::Export { key, issuer, out } => {
            store.require_role(user, &["case_officer", "approver"], "export denials")?;
            let seed = std::fs::read_to_string(&key)
                .with_context(|| format!("reading {}", key.display()))?;
            let v = lic::export_signed(store, &issuer, &seed)?;
            std::fs::write(&out, serde_json::to_vec_pretty(&v)?)
                .with_context(|| format!("writing {}", out.display()))?;
            store.audit(
                user,
                "denial.export",
                &out.display().to_string(),
                &serde_json::json!({"count": v["denials"].as_array().map(|a| a.len()), "signature": v["signature"]}),
            )?;
            println!(
                "{} denial(s) exported and signed to {}",
                v["denials"].as_array().map(|a| a.len()).unwrap_or(0),
                out.display()
            );
        }
        DenialsCmd::Import {
            file,
            public_key,
            origin,
            verify_only,
        } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let v: serde_json::Value = serde_json::from_slice(&bytes)
                .with_context(|| format!("{}: not JSON", file.display()))?;
            let ds = lic::verify_export(&v, &public_key, &origin)
                .with_context(|| file.display().to_string())?;
            if verify_only {
                println!(
                    "signature valid: {} denial(s) from {}",
                    ds.len(),
                    v["issuer"]
                );
            } else {
                let n = lic::record_denials(store, user, &ds)?;
                println!(
                    "signature valid; {n} denial(s) from {} recorded",
                    v["issuer"]
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand)]
pub enum LicencesCmd {
    /// Record a licence issued to you by an authority (JSON: number, holder {name, country},
    /// items [{control_entry, quantity, value}], parties [{role, name}], destinations,
    /// valid_from, valid_until, conditions); transaction lines naming it are checked against
    /// it and draw it down
    Add {
        /// The licence (JSON)
        file: PathBuf,
    },
    /// Show a licence and what has been drawn on it
    Show {
        /// Licence number
        number: String,
    },
    /// List licences
    List,
}

pub fn licences(store: &mut Store, user: &str, cmd: LicencesCmd) -> Result<ExitCode> {
    match cmd {
        LicencesCmd::Add { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let l: serde_json::Value = serde_json::from_str(&text)
                .with_context(|| format!("{}: not JSON", file.display()))?;
            chokepoint_service::licences::record(store, user, &l)
                .with_context(|| file.display().to_string())?;
            println!("licence {} recorded", l["number"].as_str().unwrap_or(""));
        }
        LicencesCmd::Show { number } => {
            let v = chokepoint_service::licences::show(store, &number)?
                .ok_or_else(|| anyhow::anyhow!("no licence {number}"))?;
            println!("{}", serde_json::to_string_pretty(&v)?);
        }
        LicencesCmd::List => println!("{}", serde_json::to_string_pretty(&store.licences()?)?),
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand)]
pub enum EuvCmd {
    /// Plan a pre-licence check or a post-shipment verification
    Plan {
        /// pre_licence or post_shipment
        #[arg(long)]
        kind: String,
        /// The party to verify
        #[arg(long)]
        party: String,
        /// Its country (ISO code)
        #[arg(long)]
        country: Option<String>,
        /// Its address
        #[arg(long)]
        address: Option<String>,
        /// Destination country (ISO code)
        #[arg(long)]
        destination: String,
        /// Due date (YYYY-MM-DD)
        #[arg(long)]
        due: String,
        /// The licence it concerns
        #[arg(long)]
        licence: Option<String>,
        /// The application it concerns
        #[arg(long)]
        application: Option<i64>,
    },
    /// Record a check's result: confirmed, not_verified or diverted; --restrict puts the party
    /// on the organisation's own restricted list (source `own`), which screening then uses
    Record {
        /// Check id
        id: i64,
        /// Date performed
        #[arg(long)]
        performed_on: String,
        /// Site visited
        #[arg(long)]
        site: String,
        /// Officer
        #[arg(long)]
        officer: String,
        /// Findings
        #[arg(long)]
        findings: String,
        /// confirmed, not_verified or diverted
        #[arg(long)]
        outcome: String,
        /// Put the party on the own restricted list
        #[arg(long)]
        restrict: bool,
    },
    /// Checks due in the next N days (and overdue), outcomes by destination
    Report {
        /// Horizon in days
        #[arg(long, default_value_t = 30)]
        days: i64,
    },
}

pub fn euv(store: &mut Store, user: &str, cmd: EuvCmd) -> Result<ExitCode> {
    use chokepoint_service::euv;
    match cmd {
        EuvCmd::Plan {
            kind,
            party,
            country,
            address,
            destination,
            due,
            licence,
            application,
        } => {
            let id = euv::plan(
                store,
                user,
                &euv::Plan {
                    kind,
                    party: chokepoint_licensing::Party {
                        role: "end_user".into(),
                        name: party,
                        address,
                        country,
                    },
                    destination,
                    due_on: due,
                    licence,
                    application,
                },
            )?;
            println!("end-use check {id} planned");
        }
        EuvCmd::Record {
            id,
            performed_on,
            site,
            officer,
            findings,
            outcome,
            restrict,
        } => {
            euv::record(
                store,
                user,
                id,
                &euv::Result_ {
                    performed_on,
                    site,
                    officer,
                    findings,
                    outcome: outcome.clone(),
                },
                restrict,
            )?;
            println!(
                "end-use check {id}: {outcome}{}",
                if restrict {
                    "; party added to the own restricted list"
                } else {
                    ""
                }
            );
        }
        EuvCmd::Report { days } => {
            let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
            println!(
                "{}",
                serde_json::to_string_pretty(&euv::report(store, &today, days)?)?
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes a secret readable by its owner only.
fn write_private(path: &std::path::Path, secret: &str) -> Result<()> {
    use std::io::Write;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let mut f = o
        .open(path)
        .with_context(|| format!("creating {} (it must not exist yet)", path.display()))?;
    f.write_all(secret.as_bytes())?;
    Ok(())
}
