//! `cashfree-vkyc`: Cashfree Video KYC from the command line.

mod demo;
mod failure;
mod family;
mod notices;
mod output;
mod users_cmd;
mod webhook_cmd;

use cashfree_vkyc::{
    Channel, Client, Environment, PpiInitiateRequest, PpiStatusPath, SecurityQuestion,
    Verification, VerificationRef, VerificationSuiteInitiateRequest,
};
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use failure::{Failure, usage};
use family::ApiFamily;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Parser)]
#[command(
    name = "cashfree-vkyc",
    version,
    about = "Cashfree Video KYC: initiate, follow and verify, or try it all on a local sandbox"
)]
struct Cli {
    /// Given before the subcommand, these apply to whichever follows; each
    /// subcommand also takes, and lists in its help, the ones that mean
    /// something to it (a value given inside wins).
    #[command(flatten)]
    outer: Call,
    #[command(subcommand)]
    command: Command,
}

/// What every command that calls Cashfree takes: who, where, and how to
/// print.
#[derive(Args, Clone, Default)]
pub(crate) struct Call {
    #[command(flatten)]
    credentials: Credentials,
    #[command(flatten)]
    connection: Connection,
    #[command(flatten)]
    output: Output,
}

impl Call {
    /// `self` (inside the subcommand) over `outer` (before it).
    fn over(&self, outer: &Call) -> Call {
        Call {
            credentials: self.credentials.over(&outer.credentials),
            connection: self.connection.over(&outer.connection),
            output: self.output.over(&outer.output),
        }
    }
}

#[derive(Args, Clone, Default)]
pub(crate) struct Credentials {
    /// Client id [env: CASHFREE_CLIENT_ID].
    #[arg(long)]
    client_id: Option<String>,
    /// Client secret, never printed [env: CASHFREE_CLIENT_SECRET].
    #[arg(long)]
    client_secret: Option<String>,
    /// Where the two came from, for error messages.
    #[arg(skip)]
    from: Option<&'static str>,
}

impl Credentials {
    /// The flags given inside the subcommand, else before it, else the
    /// environment. Read here rather than by clap's `env`: with the flags
    /// at two levels, the variable read inside would hide a flag given
    /// before.
    fn over(&self, outer: &Credentials) -> Credentials {
        let id = flag_or_env(&self.client_id, &outer.client_id, "CASHFREE_CLIENT_ID");
        let secret = flag_or_env(
            &self.client_secret,
            &outer.client_secret,
            "CASHFREE_CLIENT_SECRET",
        );
        let from = match (&id, &secret) {
            (Some((_, Source::Flag)), Some((_, Source::Flag))) => {
                Some("the --client-id and --client-secret flags")
            }
            (Some((_, Source::Env)), Some((_, Source::Env))) => {
                Some("the CASHFREE_CLIENT_ID and CASHFREE_CLIENT_SECRET environment variables")
            }
            (Some(_), Some(_)) => Some(
                "a flag and an environment variable (CASHFREE_CLIENT_ID / CASHFREE_CLIENT_SECRET)",
            ),
            _ => None,
        };
        Credentials {
            client_id: id.map(|(v, _)| v),
            client_secret: secret.map(|(v, _)| v),
            from,
        }
    }
}

#[derive(Clone, Copy)]
enum Source {
    Flag,
    Env,
}

/// A flag's value, inside over before, else the variable's.
fn flag_or_env(
    inner: &Option<String>,
    outer: &Option<String>,
    var: &str,
) -> Option<(String, Source)> {
    match inner.as_ref().or(outer.as_ref()) {
        Some(value) => Some((value.clone(), Source::Flag)),
        None => std::env::var(var).ok().map(|value| (value, Source::Env)),
    }
}

#[derive(Args, Clone, Copy, Default)]
pub(crate) struct Output {
    /// Say on stderr when a request is retried, and why (always on when
    /// stderr is a terminal).
    #[arg(long, short)]
    verbose: bool,
    /// Machine-readable output: the library's one view of a verification,
    /// the same names for both families, with its request id.
    #[arg(long)]
    json: bool,
    /// Machine-readable output: Cashfree's own fields, exactly as sent
    /// (`reference_id` or `cf_verification_id`, per family).
    #[arg(long, conflicts_with = "json")]
    raw: bool,
}

impl Output {
    fn over(self, outer: &Output) -> Output {
        Output {
            verbose: self.verbose || outer.verbose,
            json: self.json || outer.json,
            raw: self.raw || outer.raw,
        }
    }

    fn format(self) -> output::Format {
        match (self.json, self.raw) {
            (_, true) => output::Format::Raw,
            (true, _) => output::Format::Json,
            _ => output::Format::Human,
        }
    }
}

/// Where the API is and how calls are made.
#[derive(Args, Clone, Default)]
pub(crate) struct Connection {
    /// Host root of the API, e.g. http://127.0.0.1:8080 (overrides --env).
    #[arg(long)]
    base_url: Option<String>,
    /// Cashfree environment [default: cashfree-sandbox, Cashfree's hosted
    /// sandbox; the local sandbox is a --base-url].
    #[arg(long = "env", value_enum)]
    env: Option<Env>,
    /// RSA public key (PEM file from Cashfree's dashboard): sign every
    /// Verification Suite request with a fresh x-cf-signature (2FA), for
    /// machines whose IP is not whitelisted [env: CASHFREE_PUBLIC_KEY].
    #[arg(long)]
    public_key: Option<String>,
    /// Seconds one attempt may take before it is abandoned (and retried)
    /// [default: 30].
    #[arg(long)]
    timeout: Option<u64>,
    /// The path PPI's status call uses: Cashfree documents it at both
    /// /ppi/kyc/vkyc/status and /ppi/kyc/vkyc/details [default: status].
    #[arg(long, value_enum)]
    ppi_status_path: Option<StatusPath>,
    /// Draw on the account's rate budget shared through this Redis
    /// (redis://, rediss://, with user:password@ for an ACL user), as the
    /// services of the account do, so that a script cannot push the
    /// account over its limit. Needs --budget-per-minute [env:
    /// CASHFREE_VKYC_REDIS_URL].
    #[arg(long)]
    redis: Option<String>,
    /// The account's requests per minute, the figure the services use
    /// (Cashfree's Secure ID tiers: 100, 200 or 5).
    #[arg(long)]
    budget_per_minute: Option<u32>,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum StatusPath {
    Status,
    Details,
}

impl Connection {
    /// `self` (inside the subcommand) over `outer` (before it).
    fn over(&self, outer: &Connection) -> Connection {
        Connection {
            base_url: self.base_url.clone().or_else(|| outer.base_url.clone()),
            env: self.env.or(outer.env),
            public_key: flag_or_env(&self.public_key, &outer.public_key, "CASHFREE_PUBLIC_KEY")
                .map(|(v, _)| v),
            timeout: self.timeout.or(outer.timeout),
            ppi_status_path: self.ppi_status_path.or(outer.ppi_status_path),
            redis: flag_or_env(&self.redis, &outer.redis, "CASHFREE_VKYC_REDIS_URL")
                .map(|(v, _)| v),
            budget_per_minute: self.budget_per_minute.or(outer.budget_per_minute),
        }
    }
}

#[derive(Clone, Copy, Default, ValueEnum)]
enum Env {
    /// Cashfree's hosted sandbox, https://sandbox.cashfree.com (not the
    /// local one: reach that with --base-url)
    #[default]
    #[value(name = "cashfree-sandbox", alias = "sandbox")]
    CashfreeSandbox,
    /// Cashfree's production, https://api.cashfree.com
    Production,
}

#[derive(Subcommand)]
enum Command {
    /// Start a Video KYC and print the link.
    Initiate(InitiateArgs),
    /// Print a verification's current status.
    Status(Target),
    /// Follow a verification with a live display until it is final.
    Watch {
        #[command(flatten)]
        target: Target,
        /// Give up after this many seconds.
        #[arg(long, default_value_t = 1800)]
        deadline_secs: u64,
        /// First wait between polls, in milliseconds.
        #[arg(long, default_value_t = 2000)]
        poll_ms: u64,
    },
    /// Create, read or update a Verification Suite user.
    #[command(subcommand)]
    User(users_cmd::UserCommand),
    /// Get the token Cashfree's VKYC SDK opens a session with
    /// (Verification Suite, POST /verification/oauth/token).
    SdkToken(users_cmd::TokenArgs),
    /// Check a webhook delivery's signature: exit 0 if valid, 1 if not.
    VerifyWebhook(webhook_cmd::VerifyArgs),
    /// Run the local sandbox in the foreground, with its console in the
    /// browser.
    #[command(after_help = cashfree_vkyc_sandbox::CONTROL_HELP)]
    Sandbox {
        /// The only credentials the sandbox accepts, when given (any
        /// otherwise).
        #[command(flatten)]
        credentials: Credentials,
        /// Print the base URL as JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        args: cashfree_vkyc_sandbox::SandboxArgs,
    },
    /// Start an in-process sandbox and run both API families through their lifecycle.
    Demo {
        /// Pause between lifecycle steps, in milliseconds.
        #[arg(long, default_value_t = 150)]
        step_ms: u64,
    },
}

#[derive(Args)]
struct InitiateArgs {
    #[command(flatten)]
    call: Call,
    #[arg(long, value_enum)]
    api: ApiFamily,
    /// Your unique id for this verification.
    #[arg(long)]
    verification_id: String,
    /// The user's id (required for PPI; or --user-reference-id for the Verification Suite).
    #[arg(long)]
    user_id: Option<String>,
    /// Cashfree's user_reference_id (Verification Suite).
    #[arg(long)]
    user_reference_id: Option<i64>,
    /// A channel for the link (repeatable): sms, whatsapp, or email (Verification Suite only).
    #[arg(long = "notify")]
    notify: Vec<String>,
    /// A security question (repeatable; pairs with --answer in order).
    #[arg(long = "question")]
    questions: Vec<String>,
    /// The answer to the question in the same position.
    #[arg(long = "answer")]
    answers: Vec<String>,
    /// User template name (Verification Suite).
    #[arg(long)]
    user_template: Option<String>,
    /// Agent template name (Verification Suite).
    #[arg(long)]
    agent_template: Option<String>,
}

#[derive(Args, Clone)]
pub(crate) struct Target {
    #[command(flatten)]
    call: Call,
    #[arg(long, value_enum)]
    api: ApiFamily,
    /// Your id for the verification.
    #[arg(long)]
    verification_id: Option<String>,
    /// Cashfree's reference_id (Verification Suite).
    #[arg(long, conflicts_with = "verification_id")]
    reference_id: Option<i64>,
    /// The user's id (PPI).
    #[arg(long)]
    user_id: Option<String>,
}

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let credentials_from = cli.credentials().from;
    let output = cli.output();
    let serving = matches!(cli.command, Command::Sandbox { .. });
    notices::install(output.verbose || serving);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let json = output.json || output.raw;
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(failure) => {
            output::failure(json, credentials_from, &failure);
            ExitCode::from(failure.code)
        }
    }
}

impl Cli {
    /// The credentials the chosen command uses, and where they came from.
    fn credentials(&self) -> Credentials {
        let outer = &self.outer.credentials;
        match &self.command {
            Command::Initiate(args) => args.call.credentials.over(outer),
            Command::Status(target) | Command::Watch { target, .. } => {
                target.call.credentials.over(outer)
            }
            Command::User(command) => command.call().credentials.over(outer),
            Command::SdkToken(args) => args.call.credentials.over(outer),
            Command::Sandbox { credentials, .. } => credentials.over(outer),
            Command::VerifyWebhook(_) | Command::Demo { .. } => Credentials::default(),
        }
    }

    /// How the chosen command prints: its own flags over those before it.
    fn output(&self) -> Output {
        let outer = &self.outer.output;
        match &self.command {
            Command::Initiate(args) => args.call.output.over(outer),
            Command::Status(target) | Command::Watch { target, .. } => {
                target.call.output.over(outer)
            }
            Command::User(command) => command.call().output.over(outer),
            Command::SdkToken(args) => args.call.output.over(outer),
            Command::VerifyWebhook(args) => Output {
                verbose: false,
                json: args.json || outer.json,
                raw: args.raw || outer.raw,
            },
            Command::Sandbox { json, .. } => Output {
                json: *json || outer.json,
                ..Output::default()
            },
            Command::Demo { .. } => Output::default(),
        }
    }
}

async fn run(cli: Cli) -> Result<ExitCode, Failure> {
    let format = cli.output().format();
    let outer = &cli.outer;
    match cli.command {
        Command::Initiate(args) => {
            let client = client(&args.call.over(outer)).await?;
            let v = initiate(&client, args).await?;
            output::verification(format, &v);
        }
        Command::Status(target) => {
            let client = client(&target.call.over(outer)).await?;
            let v = status(&client, &target).await?;
            output::verification(format, &v);
        }
        Command::Watch {
            target,
            deadline_secs,
            poll_ms,
        } => {
            let client = client(&target.call.over(outer)).await?;
            let poll = Duration::from_millis(poll_ms.max(1));
            let watch = client
                .watch(reference(&target)?)
                .deadline(Duration::from_secs(deadline_secs))
                .poll_interval(poll, poll * 15);
            let label = target.verification_id.clone().unwrap_or_default();
            let last = output::follow(format, &label, watch).await?;
            output::outcome(format, &last);
        }
        Command::User(command) => {
            let client = client(&command.call().over(outer)).await?;
            users_cmd::user(&client, format, command).await?
        }
        Command::SdkToken(args) => {
            let client = client(&args.call.over(outer)).await?;
            users_cmd::sdk_token(&client, format, args).await?
        }
        Command::VerifyWebhook(args) => {
            let secret = flag_or_env(
                &args.client_secret,
                &outer.credentials.client_secret,
                "CASHFREE_CLIENT_SECRET",
            );
            return Ok(webhook_cmd::run(
                format,
                &args,
                secret.map(|(v, _)| v).as_deref(),
            ));
        }
        Command::Sandbox {
            credentials,
            json,
            args,
        } => {
            let credentials = credentials.over(&outer.credentials);
            let config = args.config(credentials.client_id.zip(credentials.client_secret));
            let sandbox = cashfree_vkyc_sandbox::Sandbox::start_with(config)
                .await
                .map_err(|e| Failure {
                    code: 1,
                    error: None,
                    message: format!("cannot start the sandbox: {e}"),
                })?;
            if json || outer.output.json {
                let urls = serde_json::json!({"base_url": sandbox.base_url(), "console_url": sandbox.console_url()});
                println!("{urls}");
            } else {
                println!("{}", sandbox.base_url());
            }
            eprintln!("{}\nCtrl-C stops it", sandbox.banner());
            sandbox.run_until_interrupted().await;
        }
        Command::Demo { step_ms } => demo::run(Duration::from_millis(step_ms)).await?,
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) async fn client(call: &Call) -> Result<Client, Failure> {
    let connection = &call.connection;
    let (Some(id), Some(secret)) = (&call.credentials.client_id, &call.credentials.client_secret)
    else {
        return Err(usage(
            "credentials are needed: --client-id and --client-secret, or CASHFREE_CLIENT_ID and CASHFREE_CLIENT_SECRET",
        ));
    };
    let environment = match (&connection.base_url, connection.env.unwrap_or_default()) {
        (Some(url), _) => Environment::Custom(url.clone()),
        (None, Env::CashfreeSandbox) => Environment::CashfreeSandbox,
        (None, Env::Production) => Environment::Production,
    };
    let mut builder = Client::builder(id, secret)
        .environment(environment)
        .on_event(notices::on_event)
        .ppi_status_path(match connection.ppi_status_path {
            Some(StatusPath::Details) => PpiStatusPath::Details,
            _ => PpiStatusPath::Status,
        })
        .timeout(Duration::from_secs(connection.timeout.unwrap_or(30).max(1)));
    if let Some(path) = &connection.public_key {
        let pem = std::fs::read_to_string(path)
            .map_err(|e| usage(format!("cannot read the public key {path}: {e}")))?;
        builder = builder.public_key_pem(pem);
    }
    match (&connection.redis, connection.budget_per_minute) {
        (Some(_), None) => return Err(usage("--redis needs --budget-per-minute")),
        (None, Some(_)) => return Err(usage("--budget-per-minute needs --redis")),
        _ => {}
    }
    if let (Some(url), Some(per_minute)) = (&connection.redis, connection.budget_per_minute) {
        let rate = cashfree_vkyc::coordination::BudgetRate::per_minute(per_minute)?;
        let redis = cashfree_vkyc_redis::Redis::connect(url)
            .await
            .map_err(|e| usage(format!("--redis: {e}")))?;
        builder = builder.rate_budget(redis.budget(rate));
    }
    Ok(builder.build()?)
}

fn questions(args: &InitiateArgs) -> Result<Vec<SecurityQuestion>, Failure> {
    if args.questions.len() != args.answers.len() {
        return Err(usage("every --question needs an --answer"));
    }
    Ok(args
        .questions
        .iter()
        .zip(&args.answers)
        .enumerate()
        .map(|(i, (q, a))| SecurityQuestion::new(i as u32 + 1, q, a))
        .collect())
}

async fn initiate(client: &Client, args: InitiateArgs) -> Result<Verification, Failure> {
    let questions = questions(&args)?;
    match args.api {
        ApiFamily::Ppi => {
            let user_id = args
                .user_id
                .clone()
                .ok_or_else(|| usage("PPI initiate needs --user-id"))?;
            let mut request = PpiInitiateRequest::new(&args.verification_id, user_id)
                .security_questions(questions);
            for channel in channels(&args)? {
                request = request.notification_mode(channel);
            }
            Ok(client.ppi().initiate(&request).await?)
        }
        ApiFamily::VerificationSuite => {
            let mut request = match (&args.user_id, args.user_reference_id) {
                (Some(user), None) => {
                    VerificationSuiteInitiateRequest::for_user_id(&args.verification_id, user)
                }
                (None, Some(reference)) => VerificationSuiteInitiateRequest::for_user_reference_id(
                    &args.verification_id,
                    reference,
                ),
                _ => {
                    return Err(usage(
                        "give exactly one of --user-id and --user-reference-id",
                    ));
                }
            }
            .security_questions(questions);
            for channel in channels(&args)? {
                request = request.notification_type(channel);
            }
            if let Some(t) = args.user_template {
                request = request.user_template(t);
            }
            if let Some(t) = args.agent_template {
                request = request.agent_template(t);
            }
            Ok(client.verification_suite().initiate(&request).await?)
        }
    }
}

/// The `--notify` channels, in either family's spelling; the library
/// says which a family does not take.
fn channels(args: &InitiateArgs) -> Result<Vec<Channel>, Failure> {
    args.notify
        .iter()
        .map(|c| c.parse().map_err(|e| usage(format!("--notify: {e}"))))
        .collect()
}

/// The verification a command names, for the client's family-free calls.
fn reference(target: &Target) -> Result<VerificationRef, Failure> {
    match (target.api, &target.verification_id, &target.user_id) {
        (ApiFamily::Ppi, Some(id), Some(user)) => Ok(VerificationRef::ppi(id, user)),
        (ApiFamily::Ppi, ..) => Err(usage(
            "a PPI verification is named by --verification-id and --user-id",
        )),
        (ApiFamily::VerificationSuite, Some(id), _) => Ok(VerificationRef::verification_suite(id)),
        (ApiFamily::VerificationSuite, None, _) => {
            Err(usage("give --verification-id or --reference-id"))
        }
    }
}

pub(crate) async fn status(client: &Client, target: &Target) -> Result<Verification, Failure> {
    match (target.api, target.reference_id) {
        (ApiFamily::VerificationSuite, Some(reference)) if target.verification_id.is_none() => {
            Ok(client
                .verification_suite()
                .status_by_reference_id(reference)
                .await?)
        }
        _ => Ok(client.status(&reference(target)?).await?),
    }
}
