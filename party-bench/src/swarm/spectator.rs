//! One spectator: a guest who watches its party over the read-only
//! spectator socket from the lobby to the results. The host starts the
//! party only once every spectator watches (or gave up), so each must
//! receive every public event after its snapshot: a gap or a missed end
//! counts as lost.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use party_tui::api::ApiClient;
use tokio::time::timeout_at;

use super::context::{Ctx, End, Party, Settled};
use super::socket::{Role, SharedView, lock, run_socket};
use crate::client::{Http, failure};

/// Spectator guests signed up at once before a step.
const SIGN_UP_CONCURRENCY: usize = 64;

/// Signs up `n` spectator guests before the step (not measured: their
/// cost is the watching, not the sign-up). Those that fail are counted as
/// errors and left out.
pub(super) async fn sign_up(http: &Http, n: usize) -> Vec<ApiClient> {
    futures::stream::iter(0..n)
        .map(|_| async {
            let api = http.player();
            match api.guest().await {
                Ok(_) => Some(api),
                Err(e) => {
                    http.recorder()
                        .error(format!("spectator_guest:{}", failure(&e)));
                    None
                }
            }
        })
        .buffer_unordered(SIGN_UP_CONCURRENCY)
        .filter_map(|api| async move { api })
        .collect()
        .await
}

/// One spectator of `party`, as the guest `api`: how its watching ended.
pub(super) async fn spectator(ctx: Arc<Ctx>, party: Arc<Party>, api: ApiClient) -> End {
    let settled = Arc::new(Settled::default());
    let end = watch(&ctx, &party, api, &settled).await;
    // One that gave up settles too, so the host does not wait for it.
    settled.fire(&ctx, &party);
    end
}

async fn watch(ctx: &Arc<Ctx>, party: &Arc<Party>, api: ApiClient, settled: &Arc<Settled>) -> End {
    let rec = ctx.http.recorder().clone();
    let (mut opened, mut ended) = (party.opened.subscribe(), party.ended.subscribe());
    let code = tokio::select! {
        code = timeout_at(ctx.stop_at, opened.wait_for(Option::is_some)) => match code {
            Ok(Ok(v)) => v.clone(),
            _ => None,
        },
        // The players stopped before the host opened the party: the
        // window closed (cut), or the host failed (counted as theirs).
        end = ended.wait_for(Option::is_some) => {
            let cut = end.ok().and_then(|e| *e) == Some(End::Cut);
            return if cut { End::Cut } else { End::Failed };
        }
    };
    let Some((session, code)) = code else {
        rec.error("spectate:no_party");
        return End::Failed;
    };
    // Entering (the request, then the socket up to its snapshot) holds a
    // permit; watching does not.
    let permit = ctx.spectator_entry.acquire().await;
    let watching = api.spectate(&code, None);
    if let Err(e) = ctx.http.timed("spectate", None, watching).await {
        rec.error(format!("spectate:{}", failure(&e)));
        return End::Failed;
    }
    let view = SharedView::default();
    let mut socket = tokio::spawn(run_socket(
        ctx.clone(),
        party.clone(),
        api,
        session,
        view.clone(),
        Role::Spectator(settled.clone()),
    ));
    let finished = tokio::select! {
        () = settled.wait() => false,
        _ = &mut socket => true,
    };
    drop(permit);
    // The players' end, then a grace for the last events to arrive.
    let grace = ctx.cfg.interval * 2 + Duration::from_secs(5);
    let mut ended = party.ended.subscribe();
    let players_end = async {
        let end = ended.wait_for(Option::is_some).await.ok().and_then(|e| *e);
        tokio::time::sleep(grace).await;
        end
    };
    let cut_short = if finished {
        None
    } else {
        tokio::select! {
            _ = &mut socket => None,
            end = players_end => {
                socket.abort();
                let _ = socket.await;
                Some(end)
            }
        }
    };
    let v = lock(&view);
    match (cut_short, v.completed) {
        // The window closed mid-party: only the gaps it saw count.
        (Some(Some(End::Cut)), false) => {
            rec.spectator_lost(v.seq.lost);
            End::Cut
        }
        (_, completed) => {
            rec.spectator_lost(v.seq.lost + u64::from(!completed));
            if completed && v.seq.lost == 0 {
                End::Completed
            } else {
                End::Failed
            }
        }
    }
}
