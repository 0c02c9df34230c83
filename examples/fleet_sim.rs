//! Fleet simulation: how many token requests a fleet of N processes or Worker isolates makes
//! per hour with each token store, beside Ankorstore's limit of 60 an hour.
//!
//! Every instance runs the real client core (`ankorstore_client::Client`) on a simulated
//! runtime, transport and token store (`Runtime`, `Transport`, `TokenStore`) with a virtual
//! clock: timers are kept in a queue and the clock jumps to the next one whenever every task
//! is waiting, so two simulated hours of a thousand instances take a second or so. Simulated:
//! - the token endpoint: 3,600 s tokens, 60 admitted requests per rolling hour, then `429` with
//!   `Retry-After` (seconds until the window frees a slot); ~300 ms round trip;
//! - `GET /api/v1/me`: 200 with a token it issued and that has not expired, else 401; ~150 ms;
//! - the stores: none; Workers KV (a write is seen by its writer at once and by every other
//!   instance 60 s later, no lock); a Durable Object and Redis (strongly consistent, atomic
//!   lock released only by its owner; ~20 ms and ~1 ms round trips);
//! - every round trip varies by ±25 %, and one in 20 is ten times slower;
//! - the load: instances boot within the first 10 s (a deploy), each calls `me()` every 30 s
//!   on average (exponential gaps); in the "recycled" fleet each instance is replaced by a
//!   cold one after an exponential lifetime of 30 min on average, as isolates and autoscaled
//!   processes come and go; in the "at once" fleet every instance gets its first call at the
//!   same instant. Each slot draws its timings from its own seeded generator, so every store
//!   sees exactly the same load.
//!
//! Run: `cargo run --release --example fleet_sim` (prints the Markdown table);
//! `-- --readme` also writes the table into docs/fleet.md (between its markers) and the chart
//! docs/fleet.svg. `-- --seed N` changes the random draws.

// The simulation runs on the `futures` executor, a native-only dev-dependency.
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    sim::main();
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod sim {
    use std::cell::{Cell, RefCell};
    use std::cmp::Ordering;
    use std::collections::{BinaryHeap, HashMap, VecDeque};
    use std::future::Future;
    use std::pin::Pin;
    use std::rc::Rc;
    use std::task::{Context, Poll, Waker};

    use ankorstore_client::{
        Body, Client, ClientConfig, Given, HttpRequest, HttpResponse, LocalEvent, Runtime,
        StoreError, TokenStore, Transport, TransportError,
    };
    use futures::executor::{LocalPool, LocalSpawner};
    use futures::task::LocalSpawnExt;
    use serde_json::{json, Value};

    /// Virtual start: 2026-01-01T00:00:00Z.
    const T0: f64 = 1_767_225_600_000.0;
    const HOUR_MS: f64 = 3_600_000.0;
    const HOURS: usize = 2;
    const TOKEN_LIFETIME_S: f64 = 3_600.0;
    const TOKEN_LIMIT_PER_HOUR: usize = 60;
    const TOKEN_RTT_MS: f64 = 300.0;
    const API_RTT_MS: f64 = 150.0;
    const BOOT_WINDOW_S: f64 = 10.0;
    const CALL_GAP_MEAN_S: f64 = 30.0;
    const RECYCLED_LIFETIME_MEAN_S: f64 = 1_800.0;
    /// How long a Workers KV write takes to be seen by other locations (up to 60 s).
    const KV_PROPAGATION_MS: f64 = 60_000.0;
    const FLEETS: [usize; 3] = [10, 100, 1_000];

    // ---------------------------------------------------------------------------------------
    // Random numbers: SplitMix64, seeded, so every run gives the same table.
    // ---------------------------------------------------------------------------------------

    struct Rng(u64);

    impl Rng {
        fn next_u64(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        /// In `[0, 1)`.
        fn unit(&mut self) -> f64 {
            (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
        }

        /// Exponentially distributed with this mean.
        fn exp(&mut self, mean: f64) -> f64 {
            -mean * (1.0 - self.unit()).ln()
        }
    }

    // ---------------------------------------------------------------------------------------
    // The world: virtual clock, timers, endpoints, stores, counters.
    // ---------------------------------------------------------------------------------------

    type Slot = Rc<RefCell<Option<Waker>>>;

    struct Timer {
        at: f64,
        seq: u64,
        slot: Slot,
    }

    impl PartialEq for Timer {
        fn eq(&self, other: &Self) -> bool {
            self.cmp(other) == Ordering::Equal
        }
    }
    impl Eq for Timer {}
    impl PartialOrd for Timer {
        fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
            Some(self.cmp(other))
        }
    }
    impl Ord for Timer {
        // Reversed: BinaryHeap is a max-heap and the earliest timer must come out first.
        fn cmp(&self, other: &Self) -> Ordering {
            other
                .at
                .total_cmp(&self.at)
                .then_with(|| other.seq.cmp(&self.seq))
        }
    }

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum StoreKind {
        None,
        Kv,
        DurableObject,
        Redis,
    }

    impl StoreKind {
        const ALL: [StoreKind; 4] = [
            StoreKind::None,
            StoreKind::Kv,
            StoreKind::DurableObject,
            StoreKind::Redis,
        ];

        fn label(self) -> &'static str {
            match self {
                StoreKind::None => "no store",
                StoreKind::Kv => "Workers KV",
                StoreKind::DurableObject => "Durable Object",
                StoreKind::Redis => "Redis",
            }
        }

        /// Round trip of one store operation.
        fn rtt_ms(self) -> f64 {
            match self {
                StoreKind::None => 0.0,
                StoreKind::Kv => 30.0,
                StoreKind::DurableObject => 20.0,
                StoreKind::Redis => 1.0,
            }
        }
    }

    struct KvWrite {
        at: f64,
        writer: u64,
        value: String,
        expires_at: f64,
    }

    #[derive(Default)]
    struct Stores {
        /// Workers KV: every write, seen by others after the propagation delay.
        kv: HashMap<String, Vec<KvWrite>>,
        /// Durable Object / Redis: the value and its expiry.
        values: HashMap<String, (String, f64)>,
        /// Durable Object / Redis: lock owner and expiry.
        locks: HashMap<String, (u64, f64)>,
    }

    #[derive(Default)]
    struct Counters {
        token_requests: [u64; HOURS],
        refused: [u64; HOURS],
        calls_ok: [u64; HOURS],
        calls_failed: [u64; HOURS],
    }

    struct World {
        now: Cell<f64>,
        end: f64,
        seq: Cell<u64>,
        timers: RefCell<BinaryHeap<Timer>>,
        rng: RefCell<Rng>,
        spawner: LocalSpawner,
        kind: StoreKind,
        stores: RefCell<Stores>,
        /// When each admitted token request arrived (the endpoint's rolling hour).
        admitted: RefCell<VecDeque<f64>>,
        /// Issued tokens and when they expire.
        tokens: RefCell<HashMap<String, f64>>,
        counters: RefCell<Counters>,
        user: Value,
    }

    impl World {
        fn now(&self) -> f64 {
            self.now.get()
        }

        fn next_seq(&self) -> u64 {
            let n = self.seq.get() + 1;
            self.seq.set(n);
            n
        }

        fn hour(&self) -> usize {
            (((self.now() - T0) / HOUR_MS) as usize).min(HOURS - 1)
        }

        fn unit(&self) -> f64 {
            self.rng.borrow_mut().unit()
        }

        /// A round trip around `rtt_ms`, ±25 %, and one in 20 ten times slower (a busy
        /// event loop, a garbage collection, a retransmitted packet).
        fn jitter(&self, rtt_ms: f64) -> f64 {
            let slow = if self.unit() < 0.05 { 10.0 } else { 1.0 };
            rtt_ms * slow * (0.75 + 0.5 * self.unit())
        }
    }

    /// Resolves once the virtual clock reaches `at`. Dropping it cancels the timer.
    struct Sleep {
        world: Rc<World>,
        at: f64,
        slot: Option<Slot>,
    }

    fn sleep(world: &Rc<World>, ms: f64) -> Sleep {
        Sleep {
            world: Rc::clone(world),
            at: world.now() + ms.max(0.0),
            slot: None,
        }
    }

    impl Future for Sleep {
        type Output = ();

        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            if self.world.now() >= self.at {
                return Poll::Ready(());
            }
            match &self.slot {
                Some(slot) => *slot.borrow_mut() = Some(cx.waker().clone()),
                None => {
                    let slot: Slot = Rc::new(RefCell::new(Some(cx.waker().clone())));
                    self.world.timers.borrow_mut().push(Timer {
                        at: self.at,
                        seq: self.world.next_seq(),
                        slot: Rc::clone(&slot),
                    });
                    self.slot = Some(slot);
                }
            }
            Poll::Pending
        }
    }

    impl Drop for Sleep {
        fn drop(&mut self) {
            if let Some(slot) = &self.slot {
                slot.borrow_mut().take();
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // The platform of one instance: its runtime and transport, and its handle on the store.
    // ---------------------------------------------------------------------------------------

    /// Half a store round trip in `world` (the operation is applied in the middle of the
    /// round trip).
    async fn store_leg(world: &Rc<World>) {
        let rtt = world.jitter(world.kind.rtt_ms());
        sleep(world, rtt / 2.0).await;
    }

    /// One instance's handle on the shared store: its id (a KV location / a lock owner).
    struct SimStore {
        world: Rc<World>,
        instance: u64,
        /// Lock key → the owner id this handle took it with.
        owners: RefCell<HashMap<String, u64>>,
    }

    /// The runtime and the transport of one instance (one value for both, as the clock and
    /// the network are the world's).
    #[derive(Clone)]
    struct SimPlatform {
        world: Rc<World>,
    }

    fn message(m: &str) -> Value {
        json!({ "message": m })
    }

    fn response(
        status: u16,
        body: Body<Value>,
        retry_after: Option<String>,
    ) -> HttpResponse<Value> {
        HttpResponse {
            status,
            retry_after,
            rate_limit: [None, None, None],
            body,
        }
    }

    impl SimPlatform {
        /// The token endpoint, as the request arrives.
        fn token_endpoint(&self) -> HttpResponse<Value> {
            let world = &self.world;
            let now = world.now();
            let hour = world.hour();
            world.counters.borrow_mut().token_requests[hour] += 1;
            let mut admitted = world.admitted.borrow_mut();
            while admitted.front().is_some_and(|t| *t <= now - HOUR_MS) {
                admitted.pop_front();
            }
            if admitted.len() >= TOKEN_LIMIT_PER_HOUR {
                world.counters.borrow_mut().refused[hour] += 1;
                let wait_s = ((admitted[0] + HOUR_MS - now) / 1000.0).ceil().max(1.0);
                return response(
                    429,
                    Body::Json(message("Too Many Attempts.")),
                    Some(format!("{wait_s}")),
                );
            }
            admitted.push_back(now);
            let token = format!("sim-token-{}", world.next_seq());
            world
                .tokens
                .borrow_mut()
                .insert(token.clone(), now + TOKEN_LIFETIME_S * 1000.0);
            let body = json!({
                "token_type": "Bearer",
                "expires_in": TOKEN_LIFETIME_S,
                "access_token": token,
            });
            response(200, Body::Json(body), None)
        }

        /// `GET /api/v1/me`, as the request arrives.
        fn me_endpoint(&self, request: &HttpRequest) -> HttpResponse<Value> {
            let bearer = request
                .headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
                .and_then(|(_, v)| v.strip_prefix("Bearer "));
            let valid = bearer.is_some_and(|t| {
                self.world
                    .tokens
                    .borrow()
                    .get(t)
                    .is_some_and(|exp| *exp > self.world.now())
            });
            if valid {
                response(200, Body::Json(self.world.user.clone()), None)
            } else {
                response(401, Body::Json(message("Unauthenticated.")), None)
            }
        }
    }

    impl Runtime for SimPlatform {
        type Signal = ();
        type Event = LocalEvent;

        fn now_ms(&self) -> f64 {
            self.world.now()
        }

        fn random(&self) -> f64 {
            self.world.unit()
        }

        async fn sleep(&self, ms: f64) {
            sleep(&self.world, ms).await;
        }

        fn spawn(&self, task: impl Future<Output = ()> + 'static) {
            self.world
                .spawner
                .spawn_local(task)
                .expect("the pool is alive");
        }

        fn new_event(&self) -> LocalEvent {
            LocalEvent::new()
        }

        fn fire(&self, event: &LocalEvent) {
            event.fire();
        }

        async fn wait_event(&self, event: &LocalEvent) {
            event.wait().await;
        }

        fn is_aborted(&self, _signal: &()) -> bool {
            false
        }

        async fn aborted(&self, _signal: &()) {
            std::future::pending::<()>().await;
        }
    }

    impl Transport for SimPlatform {
        type Payload = Value;

        async fn send(
            &self,
            request: &HttpRequest,
            _timeout_ms: f64,
        ) -> Result<HttpResponse<Value>, TransportError> {
            let is_token = request.url.ends_with("/oauth/token");
            let rtt = self
                .world
                .jitter(if is_token { TOKEN_RTT_MS } else { API_RTT_MS });
            sleep(&self.world, rtt / 2.0).await;
            let answer = if is_token {
                self.token_endpoint()
            } else {
                self.me_endpoint(request)
            };
            sleep(&self.world, rtt / 2.0).await;
            Ok(answer)
        }
    }

    impl TokenStore for SimStore {
        async fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
            store_leg(&self.world).await;
            let now = self.world.now();
            let value = {
                let stores = self.world.stores.borrow();
                match self.world.kind {
                    StoreKind::Kv => stores.kv.get(key).and_then(|writes| {
                        writes
                            .iter()
                            .rev()
                            .find(|w| w.writer == self.instance || now >= w.at + KV_PROPAGATION_MS)
                            .filter(|w| w.expires_at > now)
                            .map(|w| w.value.clone())
                    }),
                    _ => stores
                        .values
                        .get(key)
                        .filter(|(_, exp)| *exp > now)
                        .map(|(v, _)| v.clone()),
                }
            };
            store_leg(&self.world).await;
            Ok(value)
        }

        async fn set(&self, key: &str, value: &str, ttl_seconds: u32) -> Result<(), StoreError> {
            store_leg(&self.world).await;
            let now = self.world.now();
            {
                let mut stores = self.world.stores.borrow_mut();
                match self.world.kind {
                    StoreKind::Kv => {
                        // kvTokenStore writes with KV's minimum TTL of 60 s.
                        let ttl = f64::from(ttl_seconds.max(60));
                        stores.kv.entry(key.to_string()).or_default().push(KvWrite {
                            at: now,
                            writer: self.instance,
                            value: value.to_string(),
                            expires_at: now + ttl * 1000.0,
                        });
                    }
                    _ => {
                        let expires = now + f64::from(ttl_seconds) * 1000.0;
                        stores
                            .values
                            .insert(key.to_string(), (value.to_string(), expires));
                    }
                }
            }
            store_leg(&self.world).await;
            Ok(())
        }

        async fn lock(&self, key: &str, ttl_ms: f64) -> Result<Option<bool>, StoreError> {
            if self.world.kind == StoreKind::Kv {
                return Ok(None); // kvTokenStore has no lock method
            }
            store_leg(&self.world).await;
            let now = self.world.now();
            let taken = {
                let mut stores = self.world.stores.borrow_mut();
                if stores.locks.get(key).is_some_and(|(_, until)| *until > now) {
                    false
                } else {
                    let owner = self.world.next_seq();
                    stores.locks.insert(key.to_string(), (owner, now + ttl_ms));
                    self.owners.borrow_mut().insert(key.to_string(), owner);
                    true
                }
            };
            store_leg(&self.world).await;
            Ok(Some(taken))
        }

        async fn unlock(&self, key: &str) -> Result<(), StoreError> {
            if self.world.kind == StoreKind::Kv {
                return Ok(());
            }
            let Some(owner) = self.owners.borrow_mut().remove(key) else {
                return Ok(());
            };
            store_leg(&self.world).await;
            {
                let mut stores = self.world.stores.borrow_mut();
                if stores.locks.get(key).is_some_and(|(o, _)| *o == owner) {
                    stores.locks.remove(key);
                }
            }
            store_leg(&self.world).await;
            Ok(())
        }
    }

    // ---------------------------------------------------------------------------------------
    // One run: a fleet, a store, two hours.
    // ---------------------------------------------------------------------------------------

    #[derive(Clone, Copy)]
    struct Fleet {
        name: &'static str,
        /// Mean lifetime of an instance before a cold one replaces it (`None`: never).
        lifetime_mean_s: Option<f64>,
        /// Every instance boots at 0 and makes its first call at once (a deploy under load).
        burst: bool,
    }

    const SCENARIOS: [Fleet; 3] = [
        Fleet {
            name: "long-lived processes",
            lifetime_mean_s: None,
            burst: false,
        },
        Fleet {
            name: "recycled instances (mean life 30 min)",
            lifetime_mean_s: Some(RECYCLED_LIFETIME_MEAN_S),
            burst: false,
        },
        Fleet {
            name: "long-lived, all called at once at start",
            lifetime_mean_s: None,
            burst: true,
        },
    ];

    struct Outcome {
        token_requests: [u64; HOURS],
        refused: u64,
        calls_ok: u64,
        calls_failed: u64,
        instances_started: u64,
    }

    fn config() -> ClientConfig {
        // Default refresh margin (60 s) and retries, the production base URL.
        let options = json!({"clientId": "fleet-client", "clientSecret": "fleet-secret"});
        Given::read(
            &options,
            &ankorstore_client::parts::CLIENT_OPTIONS,
            Default::default(),
        )
        .and_then(|given| ClientConfig::from_options(&given))
        .expect("valid options")
    }

    fn user_document() -> Value {
        json!({
            "data": {
                "type": "user",
                "id": 1234,
                "email": "retailer@example.com",
                "first_name": "Ada",
                "last_name": "Lovelace",
                "created_at": "2024-01-01T00:00:00Z",
                "updated_at": "2024-01-02T00:00:00Z",
            }
        })
    }

    /// The life of one slot of the fleet: boot, call, be replaced by a cold instance, call…
    /// `load` draws its timings, so that every store sees exactly the same load.
    async fn slot(world: Rc<World>, fleet: Fleet, started: Rc<Cell<u64>>, mut load: Rng) {
        let boot = load.unit() * BOOT_WINDOW_S * 1000.0;
        let mut first_call_now = fleet.burst;
        if !fleet.burst {
            sleep(&world, boot).await;
        }
        let config = config();
        loop {
            let instance = world.next_seq();
            started.set(started.get() + 1);
            let platform = SimPlatform {
                world: Rc::clone(&world),
            };
            let store = (world.kind != StoreKind::None).then(|| SimStore {
                world: Rc::clone(&world),
                instance,
                owners: RefCell::default(),
            });
            let client = Client::new(platform.clone(), platform, config.clone(), store);
            let dies_at = match fleet.lifetime_mean_s {
                Some(mean) => world.now() + load.exp(mean) * 1000.0,
                None => f64::INFINITY,
            };
            loop {
                let gap = load.exp(CALL_GAP_MEAN_S) * 1000.0;
                if !std::mem::take(&mut first_call_now) {
                    sleep(&world, gap).await;
                }
                if world.now() >= world.end {
                    return;
                }
                if world.now() >= dies_at {
                    break;
                }
                let (client, counted) = (client.clone(), Rc::clone(&world));
                world
                    .spawner
                    .spawn_local(async move {
                        let ok = client.me(None).await.is_ok();
                        let hour = counted.hour();
                        let mut c = counted.counters.borrow_mut();
                        if ok {
                            c.calls_ok[hour] += 1;
                        } else {
                            c.calls_failed[hour] += 1;
                        }
                    })
                    .expect("the pool is alive");
            }
        }
    }

    fn simulate(instances: usize, kind: StoreKind, fleet: Fleet, seed: u64) -> Outcome {
        let mut pool = LocalPool::new();
        let world = Rc::new(World {
            now: Cell::new(T0),
            end: T0 + HOURS as f64 * HOUR_MS,
            seq: Cell::new(0),
            timers: RefCell::default(),
            rng: RefCell::new(Rng(seed)),
            spawner: pool.spawner(),
            kind,
            stores: RefCell::default(),
            admitted: RefCell::default(),
            tokens: RefCell::default(),
            counters: RefCell::default(),
            user: user_document(),
        });
        let started = Rc::new(Cell::new(0));
        for i in 0..instances {
            let load = Rng(seed ^ (i as u64 + 1).wrapping_mul(0xA24B_AED4_963E_E407));
            pool.spawner()
                .spawn_local(slot(Rc::clone(&world), fleet, Rc::clone(&started), load))
                .expect("the pool is alive");
        }
        loop {
            pool.run_until_stalled();
            let next = world.timers.borrow_mut().pop();
            let Some(timer) = next else { break };
            if timer.at > world.end {
                break;
            }
            if timer.at > world.now() {
                world.now.set(timer.at);
            }
            let waker = timer.slot.borrow_mut().take();
            if let Some(waker) = waker {
                waker.wake();
            }
        }
        let c = world.counters.borrow();
        Outcome {
            token_requests: c.token_requests,
            refused: c.refused.iter().sum(),
            calls_ok: c.calls_ok.iter().sum(),
            calls_failed: c.calls_failed.iter().sum(),
            instances_started: started.get(),
        }
    }

    // ---------------------------------------------------------------------------------------
    // Report: Markdown table and SVG chart.
    // ---------------------------------------------------------------------------------------

    struct Row {
        fleet: Fleet,
        instances: usize,
        outcomes: Vec<(StoreKind, Outcome)>,
    }

    fn thousands(n: u64) -> String {
        let digits = n.to_string();
        let mut out = String::new();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(ch);
        }
        out
    }

    fn cell(o: &Outcome) -> String {
        let hours: Vec<String> = o
            .token_requests
            .iter()
            .map(|&n| {
                if n > TOKEN_LIMIT_PER_HOUR as u64 {
                    format!("**{}**", thousands(n))
                } else {
                    thousands(n)
                }
            })
            .collect();
        hours.join(" / ")
    }

    fn failed_share(o: &Outcome) -> String {
        let total = o.calls_ok + o.calls_failed;
        if o.calls_failed == 0 {
            return "0".into();
        }
        format!(
            "{:.1} % ({} × 429)",
            100.0 * o.calls_failed as f64 / total.max(1) as f64,
            thousands(o.refused)
        )
    }

    fn markdown(rows: &[Row], seed: u64) -> String {
        let mut md = String::new();
        md.push_str(&format!(
        "Token requests in hour 1 / hour 2 (limit: {TOKEN_LIMIT_PER_HOUR} an hour; **bold** = over it). \
         Simulated with the real client core, seed {seed}: instances call `me()` every \
         {CALL_GAP_MEAN_S} s on average, tokens live {TOKEN_LIFETIME_S} s, default refresh \
         margin (60 s); KV writes reach other instances after 60 s.\n\n"
    ));
        md.push_str("| fleet | instances |");
        for kind in StoreKind::ALL {
            md.push_str(&format!(" {} |", kind.label()));
        }
        md.push_str("\n| --- | ---: |");
        for _ in StoreKind::ALL {
            md.push_str(" ---: |");
        }
        md.push('\n');
        for row in rows {
            md.push_str(&format!(
                "| {} | {} |",
                row.fleet.name,
                thousands(row.instances as u64)
            ));
            for (_, o) in &row.outcomes {
                md.push_str(&format!(" {} |", cell(o)));
            }
            md.push('\n');
        }
        md.push_str("\nCalls that failed over the two hours (`rate_limited`), and how many token requests the endpoint refused with 429:\n\n");
        md.push_str("| fleet | instances | instances started |");
        for kind in StoreKind::ALL {
            md.push_str(&format!(" {} |", kind.label()));
        }
        md.push_str("\n| --- | ---: | ---: |");
        for _ in StoreKind::ALL {
            md.push_str(" ---: |");
        }
        md.push('\n');
        for row in rows {
            md.push_str(&format!(
                "| {} | {} | {} |",
                row.fleet.name,
                thousands(row.instances as u64),
                thousands(row.outcomes[0].1.instances_started)
            ));
            for (_, o) in &row.outcomes {
                md.push_str(&format!(" {} |", failed_share(o)));
            }
            md.push('\n');
        }
        md
    }

    const COLORS: [&str; 4] = ["#9e9e9e", "#f4a300", "#2b7bb9", "#c0392b"];

    fn svg(rows: &[Row]) -> String {
        // Two panels (one per fleet), three groups (fleet sizes), four bars (stores); bar height
        // is the busier hour's token requests on a log scale (1 to 10,000).
        let (width, height) = (1320.0, 430.0);
        let (top, bottom) = (70.0, 360.0);
        let log_max = 4.0;
        let y = |n: f64| bottom - (n.max(1.0).log10() / log_max) * (bottom - top);
        let mut s = String::new();
        s.push_str(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"system-ui, -apple-system, Segoe UI, sans-serif\" font-size=\"12\">\n"
    ));
        s.push_str("<title>Token requests per hour by fleet size and token store</title>\n");
        s.push_str(&format!(
            "<rect width=\"{width}\" height=\"{height}\" fill=\"#ffffff\"/>\n"
        ));
        s.push_str("<text x=\"20\" y=\"26\" font-size=\"16\" font-weight=\"600\">Token requests in the busier hour (log scale) beside the limit of 60 an hour</text>\n");
        // Legend.
        for (i, kind) in StoreKind::ALL.iter().enumerate() {
            let x = 20.0 + i as f64 * 150.0;
            s.push_str(&format!(
            "<rect x=\"{x}\" y=\"40\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{}\" y=\"50\">{}</text>\n",
            COLORS[i],
            x + 18.0,
            kind.label()
        ));
        }
        // Axis ticks (shared).
        for p in 0..=4 {
            let v = 10f64.powi(p);
            let ty = y(v);
            s.push_str(&format!(
            "<line x1=\"60\" y1=\"{ty:.1}\" x2=\"{:.1}\" y2=\"{ty:.1}\" stroke=\"#eeeeee\"/><text x=\"54\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\n",
            width - 20.0,
            ty + 4.0,
            thousands(v as u64)
        ));
        }
        let panel_width = (width - 80.0) / SCENARIOS.len() as f64;
        for (p, fleet) in SCENARIOS.iter().enumerate() {
            let x0 = 70.0 + p as f64 * panel_width;
            s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-weight=\"600\">{}</text>\n",
            x0 + panel_width / 2.0,
            bottom + 44.0,
            fleet.name
        ));
            let group_width = (panel_width - 20.0) / FLEETS.len() as f64;
            for (g, row) in rows
                .iter()
                .filter(|r| r.fleet.name == fleet.name)
                .enumerate()
            {
                let gx = x0 + g as f64 * group_width;
                let bar = (group_width - 16.0) / StoreKind::ALL.len() as f64;
                for (b, (_, o)) in row.outcomes.iter().enumerate() {
                    let n = *o.token_requests.iter().max().unwrap_or(&0) as f64;
                    let bx = gx + 8.0 + b as f64 * bar;
                    let by = y(n);
                    s.push_str(&format!(
                    "<rect x=\"{bx:.1}\" y=\"{by:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\"/>\n",
                    bar - 3.0,
                    (bottom - by).max(1.0),
                    COLORS[b]
                ));
                    s.push_str(&format!(
                    "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"9\">{}</text>\n",
                    bx + (bar - 3.0) / 2.0,
                    by - 4.0,
                    thousands(n as u64)
                ));
                }
                s.push_str(&format!(
                    "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{} instances</text>\n",
                    gx + group_width / 2.0,
                    bottom + 18.0,
                    thousands(row.instances as u64)
                ));
            }
        }
        let limit_y = y(TOKEN_LIMIT_PER_HOUR as f64);
        // The label sits at the left, above the line, where the smallest fleets' bars stay low.
        s.push_str(&format!(
            "<line x1=\"60\" y1=\"{limit_y:.1}\" x2=\"{:.1}\" y2=\"{limit_y:.1}\" stroke=\"#c0392b\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n<text x=\"64\" y=\"{:.1}\" fill=\"#c0392b\">limit: 60 an hour</text>\n",
            width - 20.0,
            limit_y - 5.0
        ));
        s.push_str(&format!(
            "<line x1=\"60\" y1=\"{bottom}\" x2=\"{:.1}\" y2=\"{bottom}\" stroke=\"#333333\"/>\n",
            width - 20.0
        ));
        s.push_str("</svg>\n");
        s
    }

    const BEGIN: &str =
        "<!-- fleet-sim:begin (cargo run --release --example fleet_sim -- --readme) -->";
    const END: &str = "<!-- fleet-sim:end -->";

    fn write_docs(table: &str, chart: &str) -> std::io::Result<()> {
        let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
        let md_path = docs.join("fleet.md");
        let doc = std::fs::read_to_string(&md_path)?;
        let (Some(b), Some(e)) = (doc.find(BEGIN), doc.find(END)) else {
            return Err(std::io::Error::other(format!(
                "{} has no markers {BEGIN} … {END}",
                md_path.display()
            )));
        };
        let updated = format!("{}{BEGIN}\n{table}{}", &doc[..b], &doc[e..]);
        std::fs::write(&md_path, updated)?;
        std::fs::write(docs.join("fleet.svg"), chart)?;
        eprintln!(
            "wrote {} and {}",
            md_path.display(),
            docs.join("fleet.svg").display()
        );
        Ok(())
    }

    pub fn main() {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let readme = args.iter().any(|a| a == "--readme");
        let seed = args
            .iter()
            .position(|a| a == "--seed")
            .and_then(|i| args.get(i + 1))
            .map(|s| s.parse::<u64>().expect("--seed takes a number"))
            .unwrap_or(2026);

        let mut rows = Vec::new();
        for fleet in SCENARIOS {
            for instances in FLEETS {
                let outcomes = StoreKind::ALL
                    .iter()
                    .map(|&kind| (kind, simulate(instances, kind, fleet, seed)))
                    .collect();
                rows.push(Row {
                    fleet,
                    instances,
                    outcomes,
                });
            }
        }
        let table = markdown(&rows, seed);
        print!("{table}");
        if readme {
            if let Err(e) = write_docs(&table, &svg(&rows)) {
                eprintln!("fleet_sim: {e}");
                std::process::exit(1);
            }
        }
    }
}
