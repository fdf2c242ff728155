//! `user create | get | update` and `sdk-token`: the Verification Suite's
//! users and the token Cashfree's VKYC SDK opens a session with.

use crate::Call;
use crate::failure::{Failure, usage};
use crate::output::Format;
use cashfree_vkyc::{
    Client, CreateUserRequest, SdkToken, SdkTokenRequest, UpdateUserRequest, User, VkycUser,
};
use clap::{Args, Subcommand};

#[derive(Subcommand)]
pub(crate) enum UserCommand {
    /// Create a user (Verification Suite, POST /verification/user).
    Create(CreateArgs),
    /// Read a user by --user-id or --user-reference-id.
    Get(WhoArgs),
    /// Change a user's e-mail, name or address (the phone cannot change).
    Update(UpdateArgs),
}

#[derive(Args)]
pub(crate) struct CreateArgs {
    #[command(flatten)]
    pub(crate) call: Call,
    /// The user's phone number.
    #[arg(long)]
    phone: String,
    /// Your id for the user (made up when absent).
    #[arg(long)]
    user_id: Option<String>,
    #[command(flatten)]
    details: Details,
}

#[derive(Args)]
pub(crate) struct Details {
    /// The user's e-mail address.
    #[arg(long)]
    email: Option<String>,
    /// The user's name.
    #[arg(long)]
    name: Option<String>,
    /// The user's address, on one line.
    #[arg(long)]
    address: Option<String>,
}

#[derive(Args)]
pub(crate) struct WhoArgs {
    #[command(flatten)]
    pub(crate) call: Call,
    /// Your id for the user.
    #[arg(long, conflicts_with = "user_reference_id")]
    user_id: Option<String>,
    /// Cashfree's id for the user.
    #[arg(long)]
    user_reference_id: Option<i64>,
}

#[derive(Args)]
pub(crate) struct UpdateArgs {
    #[command(flatten)]
    who: WhoArgs,
    #[command(flatten)]
    details: Details,
}

#[derive(Args)]
pub(crate) struct TokenArgs {
    #[command(flatten)]
    pub(crate) call: Call,
    /// Your application's id, issued by Cashfree for the VKYC product.
    #[arg(long)]
    app_id: String,
    /// The Verification Suite verification the token opens.
    #[arg(long)]
    verification_id: String,
    /// How your application identified the user (e.g. userId).
    #[arg(long, requires = "identifier_value")]
    identifier_type: Option<String>,
    /// The user's identifier.
    #[arg(long, requires = "identifier_type")]
    identifier_value: Option<String>,
}

fn who(args: &WhoArgs) -> Result<User, Failure> {
    match (&args.user_id, args.user_reference_id) {
        (Some(id), None) => Ok(User::Id(id.clone())),
        (None, Some(id)) => Ok(User::ReferenceId(id)),
        _ => Err(usage("name the user with --user-id or --user-reference-id")),
    }
}

fn print_user(format: Format, user: &VkycUser) {
    if format.is_machine() {
        println!("{}", serde_json::to_value(user).unwrap_or_default());
        return;
    }
    let field = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    println!("user_id            {}", field(&user.user_id));
    println!(
        "user_reference_id  {}",
        user.user_reference_id
            .map_or_else(|| "-".into(), |id| id.to_string())
    );
    println!("phone              {}", field(&user.phone));
    for (label, value) in [
        ("email", &user.email),
        ("name", &user.name),
        ("address", &user.address),
    ] {
        if let Some(value) = value {
            println!("{label:<18} {value}");
        }
    }
    if let Some(id) = &user.request_id {
        println!("request id         {id}");
    }
}

fn print_token(format: Format, token: &SdkToken) {
    if format.is_machine() {
        let mut value = serde_json::to_value(token).unwrap_or_default();
        value["access_token"] = token.access_token().into();
        println!("{value}");
        return;
    }
    println!("access_token  {}", token.access_token());
    if let Some(expiry) = &token.expires_at {
        println!("expires       {expiry}");
    }
}

impl UserCommand {
    /// The connection, credentials and output flags given inside.
    pub(crate) fn call(&self) -> &Call {
        match self {
            UserCommand::Create(args) => &args.call,
            UserCommand::Get(args) => &args.call,
            UserCommand::Update(args) => &args.who.call,
        }
    }
}

pub(crate) async fn user(
    client: &Client,
    format: Format,
    command: UserCommand,
) -> Result<(), Failure> {
    let found = match command {
        UserCommand::Create(args) => {
            let mut request = CreateUserRequest::new(args.phone);
            if let Some(id) = args.user_id {
                request = request.user_id(id);
            }
            request = with_create_details(request, args.details);
            client.verification_suite().create_user(&request).await?
        }
        UserCommand::Get(args) => client.verification_suite().user(&who(&args)?).await?,
        UserCommand::Update(args) => {
            let mut request = UpdateUserRequest::new(who(&args.who)?);
            if let Some(v) = args.details.email {
                request = request.email(v);
            }
            if let Some(v) = args.details.name {
                request = request.name(v);
            }
            if let Some(v) = args.details.address {
                request = request.address(v);
            }
            client.verification_suite().update_user(&request).await?
        }
    };
    print_user(format, &found);
    Ok(())
}

fn with_create_details(mut request: CreateUserRequest, details: Details) -> CreateUserRequest {
    if let Some(v) = details.email {
        request = request.email(v);
    }
    if let Some(v) = details.name {
        request = request.name(v);
    }
    if let Some(v) = details.address {
        request = request.address(v);
    }
    request
}

pub(crate) async fn sdk_token(
    client: &Client,
    format: Format,
    args: TokenArgs,
) -> Result<(), Failure> {
    let mut request = SdkTokenRequest::new(args.app_id, args.verification_id);
    if let (Some(kind), Some(value)) = (args.identifier_type, args.identifier_value) {
        request = request.authenticated_user(kind, value);
    }
    let token = client.verification_suite().sdk_token(&request).await?;
    print_token(format, &token);
    Ok(())
}
