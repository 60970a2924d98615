//! The local server started by the default command: a real `party-server`
//! in this process, on SQLite in the data directory.

use std::net::SocketAddr;
use std::path::Path;

use tokio::sync::oneshot;

/// A running embedded server; dropping the handle stops it gracefully.
#[derive(Debug)]
pub struct EmbeddedServer {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl EmbeddedServer {
    /// Starts on `bind` with the database in `data_dir`.
    pub async fn start(bind: SocketAddr, data_dir: &Path) -> anyhow::Result<Self> {
        let config = party_server::Config::local(bind, data_dir)?;
        let app = party_server::Application::build(&config)
            .await
            .map_err(|e| anyhow::anyhow!("cannot start the local server: {e}"))?;
        let addr = app.local_addr().map_err(|e| anyhow::anyhow!("{e}"))?;
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let shutdown = async move {
                let _ = stopped.await;
            };
            if let Err(err) = app.run(shutdown).await {
                tracing::error!(error = %err, "local server stopped");
            }
        });
        Ok(Self {
            addr,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The URL clients use (`0.0.0.0` is reached as `127.0.0.1`).
    pub fn url(&self) -> String {
        let ip = if self.addr.ip().is_unspecified() {
            "127.0.0.1".to_owned()
        } else {
            self.addr.ip().to_string()
        };
        format!("http://{ip}:{}", self.addr.port())
    }

    /// Stops the server and waits for in-flight requests.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}
