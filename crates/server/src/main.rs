//! `weft-server`: starts the workspace API server on an embedded SQLite database (or PostgreSQL)
//! and serves the built app. It starts empty: `weft-server admin create --userid … --name …`
//! makes the first administrator; `--demo` (`WEFT_DEMO=1`) seeds the demo organisation instead.
//! `weft-server openapi` prints the OpenAPI description of `/api/v1` and exits.
//!
//! Options (or environment variables): `--addr` (`WEFT_ADDR`, default 127.0.0.1:8080),
//! `--trusted-proxy LIST` (`WEFT_TRUSTED_PROXIES`: addresses or networks of reverse proxies
//! whose `X-Forwarded-For` / `X-Forwarded-Proto` are believed),
//! `--data-dir` (`WEFT_DATA_DIR`, default `data`), `--dist` (`WEFT_DIST`, default `dist`),
//! `--recall-window-hours` (`WEFT_RECALL_WINDOW_HOURS`, default 24), `--max-group-size`
//! (`WEFT_MAX_GROUP_SIZE`, default 500), `--upload-quota-mib` (`WEFT_UPLOAD_QUOTA_MIB`, default
//! 5120: the bytes of files one member may have uploaded) — these three are the workspace's
//! policies until an administrator saves them on the console's Policies page —, `--bench-members N` (adds `bench0001…` in groups of ten
//! for the load benchmark, `cargo xtask bench-server`). `WEFT_WEBHOOK_RETRY_MS` (default 5000) is
//! the wait before an outgoing webhook's first retry, doubled for each later one.

use axum::serve::ListenerExt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use weft_server::blobs::BlobStore;
use weft_server::proxies::TrustedProxies;
use weft_server::seed::{
    DEMO_ADMIN, DEMO_APP_NAME, DEMO_APP_SECRET, DEMO_PASSWORD, DEMO_ROBOT_KEY, DEMO_USERS, create_administrator,
    seed_demo,
};
use weft_server::seed_bench::{BENCH_GROUP_SIZE, BENCH_PASSWORD, seed_bench};
use weft_server::static_files::Assets;
use weft_server::store::{ConfidentialStore, Limits, MemberStore, PostgresTarget, SqlStore};
use weft_server::{AppState, app, now_millis};

/// The demo integration app's credentials and the demo robot's webhook (demo only: both are
/// public constants).
fn print_demo_integrations(store: &dyn weft_server::store::Store, local: &std::net::SocketAddr) {
    let corp = store.corp_id();
    let app = store.integration_apps().ok().and_then(|apps| apps.into_iter().find(|app| app.name == DEMO_APP_NAME));
    if let (Ok(corp), Some(app)) = (corp, app) {
        println!(
            "  demo integration (WeCom API at http://{local}/cgi-bin/): corpid {corp} · agentid {} · secret {DEMO_APP_SECRET}",
            app.agent_id
        );
        println!("  demo robot webhook: http://{local}/cgi-bin/webhook/send?key={DEMO_ROBOT_KEY}");
    }
}

struct Options {
    addr: String,
    data_dir: PathBuf,
    /// A `postgres://` URL; `None` keeps the embedded SQLite file in the data folder.
    database_url: Option<String>,
    /// Whether each PostgreSQL commit waits for its flush to disk (see `PostgresTarget`).
    synchronous_commit: bool,
    dist: PathBuf,
    limits: Limits,
    bench_members: usize,
    /// Seed the demo organisation into an empty database.
    demo: bool,
    trusted_proxies: TrustedProxies,
    /// `admin create`: the first administrator's userid and name.
    new_admin: Option<(String, String)>,
    /// `watermark decode`: the picture to trace.
    trace_picture: Option<PathBuf>,
}

fn parse_number<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, String> {
    value.parse().map_err(|_| format!("{flag} takes a whole number, not {value:?}"))
}

fn options() -> Result<Options, String> {
    let env = |key: &str, default: &str| std::env::var(key).unwrap_or_else(|_| default.to_owned());
    let mut options = Options {
        addr: env("WEFT_ADDR", "127.0.0.1:8080"),
        data_dir: env("WEFT_DATA_DIR", "data").into(),
        database_url: std::env::var("WEFT_DATABASE_URL").ok().filter(|url| !url.is_empty()),
        synchronous_commit: std::env::var("WEFT_POSTGRES_SYNCHRONOUS_COMMIT").is_ok_and(|value| value == "on"),
        dist: env("WEFT_DIST", "dist").into(),
        limits: Limits::default(),
        bench_members: 0,
        demo: std::env::var("WEFT_DEMO").is_ok_and(|value| value == "1" || value == "true"),
        trusted_proxies: TrustedProxies::parse(&env("WEFT_TRUSTED_PROXIES", ""))
            .map_err(|err| format!("WEFT_TRUSTED_PROXIES: {err}"))?,
        new_admin: None,
        trace_picture: None,
    };
    if let Ok(hours) = std::env::var("WEFT_RECALL_WINDOW_HOURS") {
        options.limits.recall_window_ms = parse_number::<i64>("WEFT_RECALL_WINDOW_HOURS", &hours)? * 3_600_000;
    }
    if let Ok(mib) = std::env::var("WEFT_UPLOAD_QUOTA_MIB") {
        options.limits.upload_quota_bytes = parse_number::<u64>("WEFT_UPLOAD_QUOTA_MIB", &mib)? * 1024 * 1024;
    }
    if let Ok(size) = std::env::var("WEFT_MAX_GROUP_SIZE") {
        options.limits.max_group_size = parse_number("WEFT_MAX_GROUP_SIZE", &size)?;
    }
    let mut args = std::env::args().skip(1).peekable();
    if args.peek().is_some_and(|first| first == "watermark") {
        args.next();
        match (args.next().as_deref(), args.next()) {
            (Some("decode"), Some(picture)) => options.trace_picture = Some(picture.into()),
            _ => {
                return Err("usage: weft-server watermark decode PICTURE [--data-dir DIR | --database-url URL]".into());
            }
        }
    }
    let admin_create = args.peek().is_some_and(|first| first == "admin");
    let (mut userid, mut name) = (None, None);
    if admin_create {
        args.next();
        if args.next().as_deref() != Some("create") {
            return Err(
                "usage: weft-server admin create --userid USERID --name NAME [--data-dir DIR | --database-url URL] \
                 (the password is read from WEFT_ADMIN_PASSWORD or the first line of standard input)"
                    .into(),
            );
        }
    }
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--addr" => options.addr = value()?,
            "--data-dir" => options.data_dir = value()?.into(),
            "--database-url" => options.database_url = Some(value()?),
            "--postgres-synchronous-commit" => options.synchronous_commit = true,
            "--dist" => options.dist = value()?.into(),
            "--recall-window-hours" => {
                options.limits.recall_window_ms = parse_number::<i64>(&flag, &value()?)? * 3_600_000;
            }
            "--max-group-size" => options.limits.max_group_size = parse_number(&flag, &value()?)?,
            "--upload-quota-mib" => {
                options.limits.upload_quota_bytes = parse_number::<u64>(&flag, &value()?)? * 1024 * 1024;
            }
            "--bench-members" => options.bench_members = parse_number(&flag, &value()?)?,
            "--demo" => options.demo = true,
            "--trusted-proxy" => {
                options.trusted_proxies = TrustedProxies::parse(&value()?).map_err(|err| format!("{flag}: {err}"))?;
            }
            "--userid" if admin_create => userid = Some(value()?),
            "--name" if admin_create => name = Some(value()?),
            "--help" | "-h" => {
                return Err("usage: weft-server [--demo] [--addr HOST:PORT] [--data-dir DIR] [--database-url postgres://…] [--postgres-synchronous-commit] [--dist DIR] [--trusted-proxy ADDR/NET,…] [--recall-window-hours N] [--max-group-size N] [--upload-quota-mib N] [--bench-members N]\n       weft-server admin create --userid USERID --name NAME [--data-dir DIR | --database-url URL]\n       weft-server watermark decode PICTURE [--data-dir DIR | --database-url URL]\n       weft-server openapi   (prints the OpenAPI description of /api/v1)".into());
            }
            other => return Err(format!("unknown option {other}; see --help")),
        }
    }
    if admin_create {
        match (userid, name) {
            (Some(userid), Some(name)) => options.new_admin = Some((userid, name)),
            _ => return Err("admin create needs --userid and --name".into()),
        }
    }
    if let Some(url) = &options.database_url
        && !PostgresTarget::is_postgres_url(url)
    {
        return Err(format!(
            "--database-url takes a postgres:// URL, not {url:?} (SQLite needs no URL: it lives in --data-dir)"
        ));
    }
    Ok(options)
}

/// glibc's malloc raises its mmap threshold once a large block is freed, and from then on keeps
/// large blocks (argon2's 19 MiB per sign-in, decoded images) in its arenas instead of returning
/// them: after a few dozen sign-ins the server held hundreds of MiB it no longer used. A fixed
/// threshold of 1 MiB returns them at once. glibc reads it only at start, from the environment,
/// so without it the server starts itself again (same process id, arguments and output) with it.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn restart_with_fixed_malloc_threshold() {
    use std::os::unix::process::CommandExt;
    const THRESHOLD: &str = "MALLOC_MMAP_THRESHOLD_";
    if std::env::var_os(THRESHOLD).is_some() {
        return;
    }
    let Ok(exe) = std::env::current_exe() else { return };
    // `exec` returns only if it failed; the server then runs as it is.
    let err = std::process::Command::new(exe).args(std::env::args_os().skip(1)).env(THRESHOLD, "1048576").exec();
    eprintln!("weft-server: running without a fixed malloc threshold ({err})");
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn restart_with_fixed_malloc_threshold() {}

fn main() -> std::process::ExitCode {
    if std::env::args().nth(1).as_deref() == Some("openapi") {
        // The description of /api/v1, for generating a client without a running server.
        println!("{}", weft_server::openapi::document_json());
        return std::process::ExitCode::SUCCESS;
    }
    restart_with_fixed_malloc_threshold();
    match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime.block_on(serve_main()),
        Err(err) => {
            eprintln!("weft-server: cannot start the async runtime: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn serve_main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,tower_http=warn".into()),
        )
        .init();
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("weft-server: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Opens the database the options name; returns it and how to print where it is.
fn open_store(options: &Options) -> Result<(SqlStore, String), String> {
    std::fs::create_dir_all(&options.data_dir)
        .map_err(|err| format!("cannot create data folder {}: {err}", options.data_dir.display()))?;
    match &options.database_url {
        Some(url) => {
            let target =
                PostgresTarget { synchronous_commit: options.synchronous_commit, ..PostgresTarget::new(url.clone()) };
            let store = SqlStore::open_postgres(&target)
                .map_err(|err| format!("cannot open the PostgreSQL database: {err}"))?;
            Ok((store, without_password(url)))
        }
        None => {
            let db_path = options.data_dir.join("weft.sqlite3");
            let store = SqlStore::open(&db_path).map_err(|err| format!("cannot open {}: {err}", db_path.display()))?;
            Ok((store, db_path.display().to_string()))
        }
    }
}

/// `weft-server admin create`: the first (or another) administrator, with a password from
/// `WEFT_ADMIN_PASSWORD` or the first line of standard input.
fn create_admin(options: &Options, userid: &str, name: &str) -> Result<(), String> {
    weft_server::directory::check_userid(userid).map_err(|err| err.message)?;
    let name = name.trim();
    if name.is_empty() {
        return Err("--name: the administrator's name, as colleagues see it".into());
    }
    let password = match std::env::var("WEFT_ADMIN_PASSWORD") {
        Ok(password) => password,
        Err(_) => {
            eprintln!("password for {userid} (at least 8 characters), then Enter:");
            let mut line = String::new();
            std::io::stdin().read_line(&mut line).map_err(|err| format!("cannot read the password: {err}"))?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    weft_server::directory::check_password(&password).map_err(|err| err.message)?;
    let hash = weft_server::auth::hash_password(&password).map_err(|err| format!("cannot hash the password: {err}"))?;
    let (store, database) = open_store(options)?;
    create_administrator(&store, userid, name, hash).map_err(|err| format!("cannot create {userid}: {err}"))?;
    println!("administrator {userid} created in {database}; sign in at the server's address");
    Ok(())
}

/// `weft-server watermark decode`: whose confidential view a picture (a screenshot, a photo of
/// a screen) shows, from the invisible mark in it.
fn trace_picture(options: &Options, picture: &std::path::Path) -> Result<(), String> {
    let image = image::open(picture).map_err(|err| format!("cannot read {}: {err}", picture.display()))?;
    let found = weft_watermark::find(&image);
    let Some(mark) = found.mark else {
        return Err(format!("no watermark found in {} (score {:.1})", picture.display(), found.score));
    };
    let (store, database) = open_store(options)?;
    match store.watermark_owner(mark).map_err(|err| format!("cannot read {database}: {err}"))? {
        Some(owner) => {
            println!("shown to: {} ({})", owner.name, owner.userid);
            println!("session:  {}", owner.session_id);
            println!("mark issued at: {} (Unix ms; the mark covers that hour)", owner.issued_at);
            println!("mark {mark}, score {:.1}", found.score);
            Ok(())
        }
        None => Err(format!("mark {mark} (score {:.1}) was not issued by {database}", found.score)),
    }
}

async fn run() -> Result<(), String> {
    let options = options()?;
    if let Some(picture) = &options.trace_picture {
        return trace_picture(&options, picture);
    }
    if let Some((userid, name)) = &options.new_admin {
        return create_admin(&options, userid, name);
    }
    let (store, database) = open_store(&options)?;
    let seeded = if options.demo {
        seed_demo(&store, now_millis()).map_err(|err| format!("seeding the demo organisation failed: {err}"))?
    } else {
        false
    };
    let empty = store.is_empty().map_err(|err| format!("cannot read the database: {err}"))?;
    let bench = seed_bench(&store, options.bench_members, now_millis())
        .map_err(|err| format!("seeding the bench members failed: {err}"))?;
    let assets = Assets::load(&options.dist).map_err(|err| format!("cannot read {}: {err}", options.dist.display()))?;
    if assets.is_empty() {
        tracing::warn!(dist = %options.dist.display(), "no built app found: serving the API only");
    }
    let blobs =
        BlobStore::open(&options.data_dir.join("blobs")).map_err(|err| format!("cannot open the file store: {err}"))?;
    let mut state = AppState::new(Arc::new(store), assets, blobs);
    // The flags are the defaults; policies saved on the console's Policies page win.
    state.start_with_limits(options.limits).map_err(|err| format!("cannot read the workspace policies: {err}"))?;
    state.trusted_proxies = Arc::new(options.trusted_proxies.clone());
    if let Ok(value) = std::env::var("WEFT_WEBHOOK_RETRY_MS") {
        let base = parse_number::<i64>("WEFT_WEBHOOK_RETRY_MS", &value)?;
        state.webhooks = Arc::new(weft_server::webhook_sender::WebhookSender::new(base));
    }
    let listener = tokio::net::TcpListener::bind(&options.addr)
        .await
        .map_err(|err| format!("cannot listen on {}: {err}", options.addr))?;
    let local = listener.local_addr().map_err(|err| err.to_string())?;

    println!("Weft is running at http://{local}/");
    println!("  data: {database}{}", if seeded { " (demo organisation seeded)" } else { "" });
    if options.demo {
        println!("  demo sign-ins (password \"{DEMO_PASSWORD}\"): {} · admin: {DEMO_ADMIN}", DEMO_USERS.join(", "));
        print_demo_integrations(state.store.as_ref(), &local);
    } else if empty {
        println!("  no members yet: create the first administrator with");
        println!("    weft-server admin create --userid admin --name 管理员  (same --data-dir / --database-url)");
        println!("  or start with --demo to try the demo organisation");
    }
    if bench > 0 {
        println!("  bench members: {} in groups of {BENCH_GROUP_SIZE} (password \"{BENCH_PASSWORD}\")", bench);
    }
    println!("  stop with Ctrl+C");

    // Small frames go out at once: Nagle's algorithm held live frames back behind delayed ACKs.
    let listener = listener.tap_io(|tcp| {
        if let Err(err) = tcp.set_nodelay(true) {
            tracing::warn!(error = %err, "cannot turn off Nagle's algorithm on a connection");
        }
    });
    weft_server::expiry::spawn_sweeper(state.clone());
    weft_server::file_gc::spawn_collector(state.clone());
    weft_server::audit_retention::spawn_purger(state.clone());
    weft_server::webhook_sender::spawn(state.clone());
    if std::env::var("WEFT_PUSH_ALLOW_LOOPBACK").is_ok_and(|value| value == "1") {
        // Tests only: push endpoints may be plain http:// on a loopback address.
        state.push.allow_loopback_http.store(true, std::sync::atomic::Ordering::Relaxed);
    }
    weft_server::push::spawn(state.clone());
    axum::serve(listener, app(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|err| format!("server error: {err}"))
}

/// The URL as it may be printed: any password replaced by `***`.
fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let Some((credentials, host)) = rest.split_once('@') else { return url.to_owned() };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
