//! A real `redis-server` for the tests: started on a free loopback port in
//! a folder of its own, with an append-only file so that a restart keeps
//! what was written, and stopped when dropped.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Set (to anything) to make a missing `redis-server` fail the tests
/// instead of skipping them; `.ci/run` sets it.
pub const REQUIRE: &str = "CASHFREE_VKYC_REQUIRE_REDIS";

/// A running `redis-server`.
pub struct RedisServer {
    child: Option<Child>,
    addr: SocketAddr,
    dir: PathBuf,
    /// How the port is served, and what else the server is told.
    args: Vec<String>,
    /// Ready when the port accepts a connection (TLS, or no anonymous
    /// user to answer a plain `PING`).
    ready_on_connect: bool,
    scheme: &'static str,
    /// `always` (every write on disk before the answer, for the restart
    /// tests) or `everysec` (Redis's default, for measuring).
    fsync: &'static str,
}

impl RedisServer {
    /// Starts one, or `None` (after saying so on stderr) when
    /// `redis-server` is not installed and [`REQUIRE`] is not set.
    pub fn start() -> Option<RedisServer> {
        Self::start_with(|_, _| (Vec::new(), false))
    }

    /// Over TLS only, with a certificate signed by a CA made for it
    /// (`openssl`): the CA's PEM is in the folder, [`ca_pem`](Self::ca_pem).
    pub fn start_tls() -> Option<RedisServer> {
        let mut server = Self::start_with(|dir, port| {
            make_certificates(dir);
            let file = |name: &str| dir.join(name).display().to_string();
            (
                vec![
                    "--port".into(),
                    "0".into(),
                    "--tls-port".into(),
                    port.to_string(),
                    "--tls-cert-file".into(),
                    file("server.crt"),
                    "--tls-key-file".into(),
                    file("server.key"),
                    "--tls-ca-cert-file".into(),
                    file("ca.crt"),
                    "--tls-auth-clients".into(),
                    "no".into(),
                ],
                true,
            )
        })?;
        server.scheme = "rediss";
        Some(server)
    }

    /// With an ACL user `user` whose password is `password`, and no
    /// anonymous access.
    pub fn start_with_user(user: &str, password: &str) -> Option<RedisServer> {
        let (user, password) = (user.to_owned(), password.to_owned());
        Self::start_with(move |_, _| {
            (
                vec![
                    "--user".into(),
                    "default".into(),
                    "off".into(),
                    "--user".into(),
                    user.clone(),
                    "on".into(),
                    format!(">{password}"),
                    "~*".into(),
                    "&*".into(),
                    "+@all".into(),
                ],
                true,
            )
        })
    }

    /// One node of a Redis Cluster (not joined yet; [`RedisCluster`] joins).
    fn start_cluster_node() -> Option<RedisServer> {
        Self::start_with(|dir, port| {
            let conf = dir.join(format!("nodes-{port}.conf")).display().to_string();
            (
                vec![
                    "--cluster-enabled".into(),
                    "yes".into(),
                    "--cluster-config-file".into(),
                    conf,
                    "--cluster-node-timeout".into(),
                    "2000".into(),
                ],
                false,
            )
        })
    }

    /// As Redis runs by default (`appendfsync everysec`), for benchmarks:
    /// the tests' `always` puts an fsync in every write's round trip.
    pub fn start_for_bench() -> Option<RedisServer> {
        let mut server = Self::start()?;
        server.fsync = "everysec";
        server.restart();
        Some(server)
    }

    /// The CA certificate (PEM) of a [`start_tls`](Self::start_tls) server.
    pub fn ca_pem(&self) -> Vec<u8> {
        std::fs::read(self.dir.join("ca.crt")).expect("the CA made for the server")
    }

    fn start_with(
        setup: impl FnOnce(&std::path::Path, u16) -> (Vec<String>, bool),
    ) -> Option<RedisServer> {
        let installed = Command::new("redis-server")
            .arg("--version")
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !installed {
            if std::env::var_os(REQUIRE).is_some() {
                panic!("redis-server is not installed (apt-get install redis-server)");
            }
            eprintln!(
                "skipped: redis-server is not installed (apt-get install redis-server; {REQUIRE}=1 makes this a failure)"
            );
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free loopback port")
            .port();
        let dir =
            std::env::temp_dir().join(format!("cashfree-vkyc-redis-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a folder for redis-server");
        let (mut args, ready_on_connect) = setup(&dir, port);
        if !args.iter().any(|a| a == "--port") {
            args.splice(0..0, ["--port".to_owned(), port.to_string()]);
        }
        let mut server = RedisServer {
            child: None,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            dir,
            args,
            ready_on_connect,
            scheme: "redis",
            fsync: "always",
        };
        server.launch();
        Some(server)
    }

    fn launch(&mut self) {
        let child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1"])
            .args(&self.args)
            .args([
                "--save",
                "",
                "--appendonly",
                "yes",
                "--appendfsync",
                self.fsync,
            ])
            .arg("--dir")
            .arg(&self.dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server starts");
        self.child = Some(child);
        for _ in 0..200 {
            let ready = if self.ready_on_connect {
                TcpStream::connect_timeout(&self.addr, Duration::from_millis(200)).is_ok()
            } else {
                self.ping()
            };
            if ready {
                return;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        panic!("redis-server did not answer on {}", self.addr);
    }

    fn ping(&self) -> bool {
        let Ok(mut stream) = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200))
        else {
            return false;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
        let mut answer = [0u8; 7];
        stream.write_all(b"PING\r\n").is_ok()
            && stream.read_exact(&mut answer).is_ok()
            && &answer == b"+PONG\r\n"
    }

    /// `redis://127.0.0.1:{port}/` (`rediss://` for a TLS server).
    pub fn url(&self) -> String {
        format!("{}://{}/", self.scheme, self.addr)
    }

    /// The address, for URLs a test writes itself.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops the server (as a crash would: no shutdown save, but every
    /// write is already in the append-only file).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port, from the same files.
    pub fn restart(&mut self) {
        self.stop();
        self.launch();
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A CA, and a certificate for 127.0.0.1 that it signs, with `openssl`.
fn make_certificates(dir: &std::path::Path) {
    let run = |args: &[&str]| {
        let status = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("openssl runs");
        assert!(status.success(), "openssl {args:?}");
    };
    run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=test-ca",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
    ]);
    run(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
    ]);
    std::fs::write(dir.join("san.ext"), "subjectAltName=IP:127.0.0.1\n").unwrap();
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "1",
        "-extfile",
        "san.ext",
        "-out",
        "server.crt",
    ]);
}

/// A Redis Cluster of three masters on loopback ports, joined with
/// `redis-cli --cluster create`; stopped when dropped.
pub struct RedisCluster {
    nodes: Vec<RedisServer>,
}

impl RedisCluster {
    /// Starts one, or `None` as [`RedisServer::start`] does.
    pub fn start() -> Option<RedisCluster> {
        let nodes: Vec<RedisServer> = (0..3)
            .map(|_| RedisServer::start_cluster_node())
            .collect::<Option<_>>()?;
        let addresses: Vec<String> = nodes.iter().map(|n| n.addr.to_string()).collect();
        let status = Command::new("redis-cli")
            .arg("--cluster")
            .arg("create")
            .args(&addresses)
            .args(["--cluster-replicas", "0", "--cluster-yes"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("redis-cli runs");
        assert!(status.success(), "redis-cli --cluster create failed");
        for node in &nodes {
            let mut ok = false;
            for _ in 0..200 {
                let info = Command::new("redis-cli")
                    .args(["-p", &node.addr.port().to_string(), "cluster", "info"])
                    .output()
                    .expect("redis-cli runs");
                if String::from_utf8_lossy(&info.stdout).contains("cluster_state:ok") {
                    ok = true;
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            assert!(ok, "the cluster never became ok at {}", node.addr);
        }
        Some(RedisCluster { nodes })
    }

    /// Every node's `redis://` URL.
    pub fn urls(&self) -> Vec<String> {
        self.nodes.iter().map(RedisServer::url).collect()
    }
}
