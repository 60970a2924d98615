//! The request body's deadline (`--body-timeout`).
//!
//! The header timeout (`crate::net`) ends a client that trickles its
//! headers; this ends one that trickles its body. The whole body must
//! arrive within the deadline after the headers, however it is split:
//! past it, reading the body fails with [`TimedOut`], which the body
//! extractors answer `408 request_timeout`, and hyper closes the
//! connection, whose body was never read to its end.

use std::time::Duration;

use axum::body::{Body, HttpBody};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use futures::StreamExt;

/// A request body that did not arrive in time.
#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive within {0} s")]
pub struct TimedOut(pub u64);

/// Middleware: gives the request's body `limit` to arrive.
pub async fn limit(limit: Duration, request: Request, next: Next) -> Response {
    if request.body().size_hint().exact() == Some(0) {
        // No body (most GETs): nothing to wait for.
        return next.run(request).await;
    }
    let request = request.map(|body| {
        let deadline = Box::pin(tokio::time::sleep(limit));
        let chunks = body.into_data_stream();
        // Yields the body's chunks until the deadline, then one error and
        // nothing more.
        let timed = futures::stream::unfold(Some((chunks, deadline)), move |state| async move {
            let (mut chunks, mut deadline) = state?;
            tokio::select! {
                chunk = chunks.next() => chunk.map(|c| (c, Some((chunks, deadline)))),
                () = &mut deadline => {
                    Some((Err(axum::Error::new(TimedOut(limit.as_secs()))), None))
                }
            }
        });
        Body::from_stream(timed)
    });
    next.run(request).await
}

/// Whether `err`, or any error it came from, is a [`TimedOut`] body.
pub fn timed_out(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(err);
    while let Some(e) = cause {
        if e.is::<TimedOut>() {
            return true;
        }
        cause = e.source();
    }
    false
}
