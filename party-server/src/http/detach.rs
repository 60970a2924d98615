//! Requests run to the end even when their client hangs up.
//!
//! hyper drops a request's future when its connection closes. A handler
//! dropped half-way through a transaction is rolled back, which is safe;
//! but one dropped right after its commit never runs what follows the
//! commit — on SQLite that is the fan-out of the events it just wrote
//! (PostgreSQL's NOTIFY is part of the transaction), so the party's sockets
//! would wait for the next event to see it. Running each handler as its own
//! task makes a request's work independent of its client: the answer to a
//! client that left is simply not sent.
//!
//! Where the database has a writer runtime (SQLite), requests that may
//! write — every method but `GET`, `HEAD` and `OPTIONS` — run there, so the
//! single writer passes from one to the next without waiting on the main
//! runtime's queue (`store::sqlite::WriterThread` says why). Reads and the
//! sockets stay on the main runtime.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};
use tracing::Instrument as _;

pub async fn run_to_completion(
    writer: Option<tokio::runtime::Handle>,
    req: Request,
    next: Next,
) -> Response {
    let runtime = writer.filter(|_| !req.method().is_safe());
    // The task carries the request's span, so the handler's use case and
    // its log lines stay under their request.
    let handler = next.run(req).in_current_span();
    let task = match runtime {
        Some(writer) => writer.spawn(handler),
        None => tokio::spawn(handler),
    };
    match task.await {
        Ok(response) => response,
        // Re-raised here so the panic layer answers as for any handler.
        Err(err) if err.is_panic() => std::panic::resume_unwind(err.into_panic()),
        // Only a runtime shutting down cancels tasks.
        Err(_) => crate::error::Error::api(
            party_protocol::ErrorCode::ServiceUnavailable,
            "The server is shutting down.",
        )
        .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    use axum::Router;
    use axum::body::Body;
    use axum::routing::get;
    use tower::ServiceExt as _;

    use super::*;

    fn app(done: Arc<AtomicBool>) -> Router {
        Router::new()
            .route(
                "/slow",
                get(move || async move {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    done.store(true, Ordering::SeqCst);
                }),
            )
            .layer(axum::middleware::from_fn(|req, next| {
                run_to_completion(None, req, next)
            }))
    }

    #[tokio::test]
    async fn a_request_dropped_by_its_client_still_finishes() {
        let done = Arc::new(AtomicBool::new(false));
        let req = Request::get("/slow").body(Body::empty()).unwrap();
        // The client gives up long before the handler is done.
        let gave_up =
            tokio::time::timeout(Duration::from_millis(5), app(done.clone()).oneshot(req)).await;
        assert!(gave_up.is_err(), "the request was still running");
        for _ in 0..200 {
            if done.load(Ordering::SeqCst) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the handler was cancelled with its client");
    }

    async fn boom() -> &'static str {
        panic!("boom")
    }

    #[tokio::test]
    async fn a_panicking_handler_still_panics_through_it() {
        let router = Router::new()
            .route("/boom", get(boom))
            .layer(axum::middleware::from_fn(|req, next| {
                run_to_completion(None, req, next)
            }))
            .layer(tower_http::catch_panic::CatchPanicLayer::custom(
                super::super::ops::panic_response,
            ));
        let req = Request::get("/boom").body(Body::empty()).unwrap();
        let res = router.oneshot(req).await.unwrap();
        assert_eq!(res.status(), axum::http::StatusCode::INTERNAL_SERVER_ERROR);
    }

    /// With a writer runtime, requests that may write run there and reads
    /// stay where they came in.
    #[tokio::test]
    async fn writes_run_on_the_writer_runtime_and_reads_do_not() {
        let writer = crate::store::WriterThread::start().unwrap();
        let thread = || async { std::thread::current().name().unwrap_or("").to_owned() };
        let handle = writer.handle().clone();
        let router = Router::new()
            .route("/where", get(thread).post(thread))
            .layer(axum::middleware::from_fn(move |req, next| {
                run_to_completion(Some(handle.clone()), req, next)
            }));
        let body = |res: Response| async {
            let bytes = axum::body::to_bytes(res.into_body(), 1024).await.unwrap();
            String::from_utf8(bytes.to_vec()).unwrap()
        };
        let post = Request::post("/where").body(Body::empty()).unwrap();
        let on = body(router.clone().oneshot(post).await.unwrap()).await;
        assert_eq!(on, "sqlite-writer");
        let get = Request::get("/where").body(Body::empty()).unwrap();
        let on = body(router.oneshot(get).await.unwrap()).await;
        assert_ne!(on, "sqlite-writer");
    }
}
