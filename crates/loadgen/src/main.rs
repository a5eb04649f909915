//! `weft-loadgen`: the group fan-out benchmark of the Weft server (run it with
//! `cargo xtask bench-server`). For each scenario and database it starts the release server on
//! a fresh SQLite folder (or a fresh PostgreSQL database) on 127.0.0.1, signs in N bench members (groups of ten), opens one live socket
//! each, sends messages at a fixed total rate for a fixed time and records the send→receive
//! latency of every delivery; then it ramps the rate to find the highest one holding p99 ≤ 100 ms.
//!
//! Options: `--server PATH` (default: `weft-server` beside this program), `--duration SECS`
//! (default 10), `--scenario MEMBERS:RATE` (repeatable; replaces the default list and the ramp),
//! `--no-ramp`, `--env KEY=VALUE` (repeatable; set for the server), `--postgres URL` (also run
//! every scenario and the ramp on PostgreSQL, in databases made on that server).

mod http;
mod scenario;
mod server;
mod stats;

use scenario::{Outcome, Scenario};
use server::Database;
use stats::ms;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// p99 the ramp must hold.
const RAMP_P99_MS: f64 = 100.0;
/// Members in the ramp.
const RAMP_MEMBERS: usize = 50;
/// Each ramp step's length.
const RAMP_STEP: Duration = Duration::from_secs(6);
/// Ramp rates at most (with repeats, keeps the whole benchmark within about five minutes).
const RAMP_STEPS: usize = 7;

struct Options {
    server: PathBuf,
    duration: Duration,
    scenarios: Vec<(usize, u32)>,
    ramp: bool,
    server_env: Vec<(String, String)>,
    databases: Vec<Database>,
}

fn options() -> Result<Options, String> {
    let beside_me = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("weft-server")))
        .unwrap_or_else(|| PathBuf::from("weft-server"));
    let mut options = Options {
        server: beside_me,
        duration: Duration::from_secs(10),
        scenarios: Vec::new(),
        ramp: true,
        server_env: Vec::new(),
        databases: vec![Database::Sqlite],
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--server" => options.server = value()?.into(),
            "--duration" => {
                let text = value()?;
                let secs: u64 = text.parse().map_err(|_| format!("--duration takes seconds, not {text:?}"))?;
                options.duration = Duration::from_secs(secs.max(1));
            }
            "--scenario" => {
                let text = value()?;
                let parsed = text
                    .split_once(':')
                    .and_then(|(members, rate)| Some((members.parse().ok()?, rate.parse().ok()?)))
                    .filter(|&(members, rate): &(usize, u32)| members > 0 && rate > 0);
                options.scenarios.push(parsed.ok_or_else(|| format!("--scenario takes MEMBERS:RATE, not {text:?}"))?);
                options.ramp = false;
            }
            "--no-ramp" => options.ramp = false,
            "--env" => {
                let text = value()?;
                let (key, val) = text.split_once('=').ok_or_else(|| format!("--env takes KEY=VALUE, not {text:?}"))?;
                options.server_env.push((key.into(), val.into()));
            }
            "--postgres" => options.databases.push(Database::Postgres { server: value()? }),
            "--help" | "-h" => {
                return Err("usage: weft-loadgen [--server PATH] [--duration SECS] [--scenario MEMBERS:RATE]... [--no-ramp] [--env KEY=VALUE]... [--postgres URL]".into());
            }
            other => return Err(format!("unknown option {other}; see --help")),
        }
    }
    if options.scenarios.is_empty() {
        options.scenarios = vec![(50, 350), (50, 500), (500, 200)];
    }
    Ok(options)
}

fn row(outcome: &Outcome, note: &str) -> String {
    let s = &outcome.scenario;
    format!(
        "| {} | {} members, {} msg/s{note} | {:.0} | {} | {} | {} | {} | {} |",
        s.database.label(),
        s.members,
        s.rate,
        outcome.deliveries_per_second(),
        ms(outcome.latency.p50_us),
        ms(outcome.latency.p99_us),
        ms(outcome.latency.max_us),
        outcome.lost(),
        outcome.sockets_closed,
    )
}

fn detail(outcome: &Outcome) -> String {
    let rss = |value: Option<f64>| value.map_or_else(|| "?".into(), |mib| format!("{mib:.0} MiB"));
    format!(
        "  {} · {} members at {} msg/s: sent {} ({} failed), deliveries {} of {} ({} duplicates); server RSS idle {}, after {}",
        outcome.scenario.database.label(),
        outcome.scenario.members,
        outcome.scenario.rate,
        outcome.sent,
        outcome.send_failures,
        outcome.delivered,
        outcome.expected,
        outcome.duplicates,
        rss(outcome.rss_idle_mib),
        rss(outcome.rss_after_mib),
    )
}

async fn run_one(
    options: &Options,
    database: &Database,
    members: usize,
    rate: u32,
    duration: Duration,
) -> Result<Outcome, String> {
    let scenario = Scenario { members, rate, duration, database: database.clone() };
    let outcome = scenario::run(&options.server, scenario, &options.server_env).await?;
    eprintln!("{}", detail(&outcome));
    Ok(outcome)
}

/// Raises the rate by half while the server holds; then tries once between the last rate held
/// and the first one missed. A missed step is run again once before it counts (the machine may be
/// shared). Returns every step and the highest rate held.
async fn ramp(options: &Options, database: &Database) -> Result<(Vec<Outcome>, Option<u32>), String> {
    let mut steps = Vec::new();
    let (mut held, mut missed): (Option<u32>, Option<u32>) = (None, None);
    let mut rate = 500;
    for _ in 0..RAMP_STEPS {
        let mut outcome = run_one(options, database, RAMP_MEMBERS, rate, RAMP_STEP).await?;
        if !outcome.holds(RAMP_P99_MS) {
            steps.push(outcome);
            outcome = run_one(options, database, RAMP_MEMBERS, rate, RAMP_STEP).await?;
        }
        let holds = outcome.holds(RAMP_P99_MS);
        steps.push(outcome);
        if holds {
            held = Some(rate);
        } else {
            missed = Some(rate);
        }
        rate = match (held, missed) {
            (Some(low), Some(high)) if high - low <= high / 10 => break,
            (Some(low), Some(high)) => (low + high) / 2,
            (Some(low), None) => low + low / 2,
            (None, Some(high)) => high / 2,
            (None, None) => break,
        };
        if rate < 25 {
            break;
        }
    }
    Ok((steps, held))
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("weft-loadgen: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let options = options()?;
    if !options.server.is_file() {
        return Err(format!(
            "no server at {} (build it with cargo build --release -p weft-server)",
            options.server.display()
        ));
    }
    let began = Instant::now();
    let mut outcomes = Vec::new();
    for &(members, rate) in &options.scenarios {
        for database in &options.databases {
            outcomes.push(run_one(&options, database, members, rate, options.duration).await?);
        }
    }
    let mut ramps = Vec::new();
    if options.ramp {
        for database in &options.databases {
            ramps.push((database.label(), ramp(&options, database).await?));
        }
    }

    println!("\n| database | scenario (release) | deliveries/s | p50 ms | p99 ms | max ms | lost | sockets closed |");
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    for outcome in &outcomes {
        println!("{}", row(outcome, ""));
    }
    for (_, (steps, _)) in &ramps {
        for step in steps {
            println!("{}", row(step, if step.holds(RAMP_P99_MS) { " (ramp, held)" } else { " (ramp)" }));
        }
    }
    println!();
    for (label, (_, held)) in &ramps {
        match held {
            Some(rate) => {
                println!("{label}: highest rate with p99 ≤ {RAMP_P99_MS} ms ({RAMP_MEMBERS} members): {rate} msg/s");
            }
            None => println!("{label}: no ramp step held p99 ≤ {RAMP_P99_MS} ms"),
        }
    }
    let rss = |value: Option<f64>| value.map_or_else(|| "?".into(), |mib| format!("{mib:.0} MiB"));
    for database in &options.databases {
        let largest = outcomes
            .iter()
            .filter(|outcome| &outcome.scenario.database == database)
            .max_by_key(|outcome| outcome.scenario.members);
        if let Some(largest) = largest {
            println!(
                "{}: server RSS idle {}; after the {}-member run {}",
                database.label(),
                rss(largest.rss_idle_mib),
                largest.scenario.members,
                rss(largest.rss_after_mib)
            );
        }
    }
    println!("Whole benchmark: {:.0} s", began.elapsed().as_secs_f64());
    Ok(())
}
