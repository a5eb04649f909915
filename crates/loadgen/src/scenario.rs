//! One scenario: a fresh server with `members` bench members, each signed in with one live
//! socket; messages sent at a fixed total rate, member `k mod N` to their group, each text
//! carrying its number and its scheduled send time; every delivery's latency recorded.

use crate::http::{self, Connection};
use crate::server::{Database, ServerProcess};
use crate::stats::Percentiles;
use futures_util::{SinkExt, StreamExt};
use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{Mutex, mpsc, watch};
use tokio_tungstenite::tungstenite::Message as WsMessage;
use weft_protocol::ConversationId;
use weft_protocol::live::{ClientFrame, ServerFrame};
use weft_protocol::sync::Change;

/// The bench members' password (`weft_server::seed_bench::BENCH_PASSWORD`).
const BENCH_PASSWORD: &str = "weft-bench";
/// HTTP connections the senders share.
const SEND_CONNECTIONS: usize = 48;
/// Sign-ins at once (each costs the server an argon2 verification).
const SIGN_INS_AT_ONCE: usize = 4;
/// How long deliveries may still arrive after the last send.
const DRAIN: Duration = Duration::from_secs(3);

#[derive(Debug, Clone)]
pub struct Scenario {
    pub members: usize,
    pub rate: u32,
    pub duration: Duration,
    pub database: Database,
}

#[derive(Debug, Clone)]
pub struct Outcome {
    pub scenario: Scenario,
    pub sent: u64,
    pub send_failures: u64,
    pub expected: u64,
    pub delivered: u64,
    pub duplicates: u64,
    pub latency: Percentiles,
    pub sockets_closed: usize,
    pub rss_idle_mib: Option<f64>,
    pub rss_after_mib: Option<f64>,
}

impl Outcome {
    pub fn lost(&self) -> u64 {
        self.expected.saturating_sub(self.delivered)
    }

    pub fn deliveries_per_second(&self) -> f64 {
        self.delivered as f64 / self.scenario.duration.as_secs_f64()
    }

    /// Within `p99_ms`, nothing lost, no socket closed, and (almost) every scheduled send made.
    pub fn holds(&self, p99_ms: f64) -> bool {
        let scheduled = f64::from(self.scenario.rate) * self.scenario.duration.as_secs_f64();
        self.latency.p99_ms() <= p99_ms
            && self.lost() == 0
            && self.sockets_closed == 0
            && self.send_failures == 0
            && self.sent as f64 >= scheduled * 0.98
    }
}

struct Member {
    username: String,
    token: String,
    group: ConversationId,
    group_size: usize,
}

/// What one socket saw.
#[derive(Default)]
struct SocketReport {
    latencies_us: Vec<u32>,
    unique: u64,
    duplicates: u64,
    closed_by_server: bool,
}

pub async fn run(binary: &Path, scenario: Scenario, server_env: &[(String, String)]) -> Result<Outcome, String> {
    let server = ServerProcess::start(binary, scenario.members, server_env, &scenario.database)?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let rss_idle_mib = server.rss_mib();
    let members = sign_in_all(server.addr, scenario.members).await?;

    // Sockets: one per member, authenticated and ready before any message is sent.
    let epoch = Instant::now();
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut receivers = Vec::with_capacity(members.len());
    for member in &members {
        let url = format!("ws://{}/api/v1/live", server.addr);
        let (mut socket, _) = tokio_tungstenite::connect_async(url)
            .await
            .map_err(|err| format!("{}: cannot open the live socket: {err}", member.username))?;
        let auth = serde_json::to_string(&ClientFrame::Auth { token: member.token.clone(), cursor: None })
            .map_err(|err| err.to_string())?;
        socket.send(WsMessage::text(auth)).await.map_err(|err| err.to_string())?;
        loop {
            match socket.next().await {
                Some(Ok(WsMessage::Text(text))) => {
                    if matches!(serde_json::from_str(&text), Ok(ServerFrame::Ready { .. })) {
                        break;
                    }
                }
                Some(Ok(_)) => {}
                other => return Err(format!("{}: the live socket closed before Ready: {other:?}", member.username)),
            }
        }
        receivers.push(tokio::spawn(receive(socket, epoch, stop_rx.clone())));
    }

    // Senders: a scheduler hands each due message to whichever connection is free.
    let schedule = Schedule {
        start_us: u64::try_from(epoch.elapsed().as_micros()).unwrap_or(0) + 100_000,
        interval_us: 1_000_000.0 / f64::from(scenario.rate),
    };
    let (jobs_tx, jobs_rx) = mpsc::unbounded_channel::<(usize, u64)>();
    let jobs_rx = Arc::new(Mutex::new(jobs_rx));
    let members = Arc::new(members);
    let mut workers = Vec::with_capacity(SEND_CONNECTIONS);
    for _ in 0..SEND_CONNECTIONS {
        let (jobs, members, addr) = (Arc::clone(&jobs_rx), Arc::clone(&members), server.addr);
        workers.push(tokio::spawn(async move {
            let mut connection = Connection::new(addr);
            let (mut sent, mut failed, mut expected) = (0u64, 0u64, 0u64);
            loop {
                let job = jobs.lock().await.recv().await;
                let Some((index, number)) = job else { break };
                let member = &members[index];
                // The scheduled time, not the time a connection came free: queueing counts.
                let scheduled_us = schedule.due_us(number);
                let text = format!("bench {number} {scheduled_us}");
                if http::send(&mut connection, &member.token, member.group, text).await {
                    sent += 1;
                    expected += member.group_size as u64;
                } else {
                    failed += 1;
                }
            }
            (sent, failed, expected)
        }));
    }
    let total = (f64::from(scenario.rate) * scenario.duration.as_secs_f64()).round() as u64;
    for number in 0..total {
        let due = epoch + Duration::from_micros(schedule.due_us(number));
        tokio::time::sleep_until(due.into()).await;
        let index = (number as usize) % members.len();
        if jobs_tx.send((index, number)).is_err() {
            break;
        }
    }
    drop(jobs_tx);
    let (mut sent, mut send_failures, mut expected) = (0, 0, 0);
    for worker in workers {
        let (s, f, e) = worker.await.map_err(|err| err.to_string())?;
        sent += s;
        send_failures += f;
        expected += e;
    }
    tokio::time::sleep(DRAIN).await;
    let _ = stop_tx.send(true);
    let mut latencies = Vec::new();
    let (mut delivered, mut duplicates, mut sockets_closed) = (0, 0, 0);
    for receiver in receivers {
        let report = receiver.await.map_err(|err| err.to_string())?;
        latencies.extend(report.latencies_us);
        delivered += report.unique;
        duplicates += report.duplicates;
        sockets_closed += usize::from(report.closed_by_server);
    }
    let rss_after_mib = server.rss_mib();
    drop(server);
    Ok(Outcome {
        scenario,
        sent,
        send_failures,
        expected,
        delivered,
        duplicates,
        latency: Percentiles::of(latencies),
        sockets_closed,
        rss_idle_mib,
        rss_after_mib,
    })
}

/// When each message is due: number `n` at `start_us + n × interval_us` after the epoch.
#[derive(Debug, Clone, Copy)]
struct Schedule {
    start_us: u64,
    interval_us: f64,
}

impl Schedule {
    fn due_us(self, number: u64) -> u64 {
        self.start_us + (number as f64 * self.interval_us) as u64
    }
}

async fn sign_in_all(addr: std::net::SocketAddr, count: usize) -> Result<Vec<Member>, String> {
    let (results_tx, mut results_rx) = mpsc::unbounded_channel();
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(1));
    for _ in 0..SIGN_INS_AT_ONCE {
        let (next, results) = (Arc::clone(&next), results_tx.clone());
        tokio::spawn(async move {
            let mut connection = Connection::new(addr);
            loop {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if n > count {
                    break;
                }
                let username = format!("bench{n:04}");
                let result = async {
                    let token = http::sign_in(&mut connection, &username, BENCH_PASSWORD).await?;
                    let (group, group_size) = http::group_of(&mut connection, &token).await?;
                    Ok::<_, String>(Member { username: username.clone(), token, group, group_size })
                }
                .await;
                if results.send((n, result)).is_err() {
                    break;
                }
            }
        });
    }
    drop(results_tx);
    let mut members = Vec::with_capacity(count);
    while let Some((n, result)) = results_rx.recv().await {
        members.push((n, result?));
    }
    members.sort_by_key(|(n, _)| *n);
    Ok(members.into_iter().map(|(_, member)| member).collect())
}

async fn receive(
    mut socket: tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
    epoch: Instant,
    mut stop: watch::Receiver<bool>,
) -> SocketReport {
    let mut report = SocketReport::default();
    let mut seen = HashSet::new();
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            frame = socket.next() => match frame {
                Some(Ok(WsMessage::Text(text))) => {
                    let now_us = u64::try_from(epoch.elapsed().as_micros()).unwrap_or(u64::MAX);
                    let Ok(ServerFrame::Changes { changes, .. }) = serde_json::from_str(&text) else { continue };
                    for envelope in changes {
                        let Change::Message { message } = envelope.change else { continue };
                        let mut words = message.text.split(' ');
                        let (Some("bench"), Some(number), Some(sent_us)) = (words.next(), words.next(), words.next()) else {
                            continue;
                        };
                        let (Ok(number), Ok(sent_us)) = (number.parse::<u64>(), sent_us.parse::<u64>()) else { continue };
                        if seen.insert(number) {
                            report.unique += 1;
                            let latency = now_us.saturating_sub(sent_us);
                            report.latencies_us.push(u32::try_from(latency).unwrap_or(u32::MAX));
                        } else {
                            report.duplicates += 1;
                        }
                    }
                }
                Some(Ok(WsMessage::Close(_))) | None | Some(Err(_)) => {
                    report.closed_by_server = true;
                    break;
                }
                Some(Ok(_)) => {}
            },
        }
    }
    report
}
