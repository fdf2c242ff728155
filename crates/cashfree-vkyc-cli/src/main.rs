//! `cashfree-vkyc`: Cashfree Video KYC from the command line.

mod demo;
mod failure;
mod family;
mod notices;
mod options;
mod output;
mod users_cmd;
mod webhook_cmd;

use cashfree_vkyc::{
    Channel, Client, PpiInitiateRequest, SecurityQuestion, Verification, VerificationRef,
    VerificationSuiteInitiateRequest,
};
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use failure::{Failure, usage};
use family::ApiFamily;
use options::{Call, Credentials, Output, client};
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
    let credentials = cli.credentials();
    let credentials_from = credentials.from;
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
    match runtime.block_on(run(cli, credentials, output.format())) {
        Ok(code) => code,
        Err(failure) => {
            output::failure(json, credentials_from, &failure);
            ExitCode::from(failure.code)
        }
    }
}

impl Cli {
    /// The options given inside a subcommand that calls Cashfree.
    fn call(&self) -> Option<&Call> {
        match &self.command {
            Command::Initiate(args) => Some(&args.call),
            Command::Status(target) | Command::Watch { target, .. } => Some(&target.call),
            Command::User(command) => Some(command.call()),
            Command::SdkToken(args) => Some(&args.call),
            Command::VerifyWebhook(_) | Command::Sandbox { .. } | Command::Demo { .. } => None,
        }
    }

    /// The credentials the chosen command uses, and where they came from.
    fn credentials(&self) -> Credentials {
        let outer = &self.outer.credentials;
        match (self.call(), &self.command) {
            (Some(call), _) => call.credentials.over(outer),
            (None, Command::Sandbox { credentials, .. }) => credentials.over(outer),
            (None, Command::VerifyWebhook(args)) => Credentials {
                client_secret: args.client_secret.clone(),
                ..Credentials::default()
            }
            .over(outer),
            (None, _) => Credentials::default(),
        }
    }

    /// How the chosen command prints: its own flags over those before it.
    fn output(&self) -> Output {
        let outer = &self.outer.output;
        match (self.call(), &self.command) {
            (Some(call), _) => call.output.over(outer),
            (None, Command::VerifyWebhook(args)) => Output {
                verbose: false,
                json: args.json || outer.json,
                raw: args.raw || outer.raw,
            },
            (None, Command::Sandbox { json, .. }) => Output {
                json: *json || outer.json,
                ..Output::default()
            },
            (None, _) => Output::default(),
        }
    }
}

async fn run(
    cli: Cli,
    credentials: Credentials,
    format: output::Format,
) -> Result<ExitCode, Failure> {
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
            let secret = credentials.client_secret.as_deref();
            return Ok(webhook_cmd::run(format, &args, secret));
        }
        Command::Sandbox { args, .. } => {
            let config = args.config(credentials.client_id.zip(credentials.client_secret));
            let sandbox = cashfree_vkyc_sandbox::Sandbox::start_with(config)
                .await
                .map_err(|e| Failure {
                    code: 1,
                    error: None,
                    message: format!("cannot start the sandbox: {e}"),
                })?;
            if format.is_machine() {
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
