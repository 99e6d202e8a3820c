//! Chokepoint's HTTP API. Thin by design: every endpoint checks the caller's role, then calls
//! the same use case as the command line (`chokepoint-service`), so the audit log cannot tell
//! which front end was used except by the actor.
//!
//! The screening index is immutable and swapped atomically: a watcher notices when the lists in
//! force change (an import by this process, by the command line or by another instance sharing
//! the database), builds the new index beside the old one, swaps it in, and monitors the
//! registered counterparties against the delta.
#![deny(missing_docs)]

pub mod api;
mod handlers;
mod ui;

use anyhow::Result;
use chokepoint_screen::{Config, Index};
use chokepoint_store::Store;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

/// The index over the lists in force and the snapshots it was built from.
pub struct Lists {
    /// The index.
    pub index: Index,
    /// Snapshot ids, sorted.
    pub snapshots: Vec<i64>,
}

/// Shared state: the store (one connection, serialised) and the current index.
pub struct AppState {
    store: Mutex<Store>,
    lists: RwLock<Arc<Lists>>,
    /// Serialises index rebuilds.
    rebuilding: tokio::sync::Mutex<()>,
    /// Users by token hash, as found in the store: users are never changed or removed, so a
    /// hit stays true; a miss (a user added by another instance) asks the store.
    pub(crate) users: RwLock<std::collections::HashMap<String, (String, String)>>,
}

impl AppState {
    /// Opens the state over a store, building the index over the lists in force.
    pub fn new(store: Store) -> Result<Arc<AppState>> {
        let lists = load_lists(&store)?;
        Ok(Arc::new(AppState {
            store: Mutex::new(store),
            lists: RwLock::new(Arc::new(lists)),
            rebuilding: tokio::sync::Mutex::new(()),
            users: Default::default(),
        }))
    }

    /// The current lists.
    pub fn lists(&self) -> Arc<Lists> {
        self.lists.read().expect("lists lock").clone()
    }

    pub(crate) fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        // A panic while holding the lock cannot leave SQLite half-written (transactions roll
        // back), so the store stays usable.
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Rebuilds the index if the lists in force changed, then monitors counterparties against
    /// the delta. Returns whether the index changed.
    pub async fn refresh(self: &Arc<Self>) -> Result<bool> {
        let _one = self.rebuilding.lock().await;
        let st = self.clone();
        tokio::task::spawn_blocking(move || -> Result<bool> {
            let now: Vec<i64> = {
                let store = st.store();
                sorted(chokepoint_service::snapshots_in_force(&store, None)?)
            };
            if now == st.lists().snapshots {
                return Ok(false);
            }
            let lists = {
                let store = st.store();
                load_lists(&store)?
            };
            *st.lists.write().expect("lists lock") = Arc::new(lists);
            let lists = st.lists();
            let mut store = st.store();
            // Open licence applications are assessed again on the new lists.
            match chokepoint_service::licensing::reassess_open(&mut store, "monitor", &lists.index) {
                Ok(n) if n > 0 => tracing::info!("re-assessed {n} open licence applications"),
                Ok(_) => {}
                Err(e) => tracing::warn!("re-assessing applications: {e:#}"),
            }
            if store.counterparty_count()? > 0 {
                match chokepoint_service::monitor::run(&mut store, "monitor", &lists.index) {
                    Ok(r) => tracing::info!(
                        "monitoring: {} counterparties against {} changed entities, {} new hits, {} cases opened",
                        r.counterparties,
                        r.delta_entities,
                        r.hits,
                        r.record.cases_opened.len()
                    ),
                    Err(e) => tracing::warn!("monitoring: {e:#}"),
                }
            }
            Ok(true)
        })
        .await?
    }
}

fn sorted(mut v: Vec<i64>) -> Vec<i64> {
    v.sort_unstable();
    v
}

fn load_lists(store: &Store) -> Result<Lists> {
    let snapshots = sorted(chokepoint_service::snapshots_in_force(store, None)?);
    let index = chokepoint_service::build_index(store, None, Config::default())?;
    // The server screens with this index until the lists change: find every list word's
    // spellings now rather than on each word's first query.
    index.warm();
    Ok(Lists { index, snapshots })
}

/// Server settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// How often to look for list changes made outside this process.
    pub watch_interval: Duration,
}

/// The router, with its limits; exposed for tests and embedding.
pub fn router(state: Arc<AppState>) -> axum::Router {
    handlers::router(state)
}

/// Serves until Ctrl-C or SIGTERM. `on_ready` is called with the bound address.
pub async fn serve(
    state: Arc<AppState>,
    settings: Settings,
    on_ready: impl FnOnce(SocketAddr),
) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(settings.listen).await?;
    let addr = listener.local_addr()?;
    on_ready(addr);
    let watcher = {
        let st = state.clone();
        let every = settings.watch_interval;
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.tick().await;
            loop {
                tick.tick().await;
                if let Err(e) = st.refresh().await {
                    tracing::warn!("list refresh: {e:#}");
                }
            }
        })
    };
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown())
        .await?;
    watcher.abort();
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
