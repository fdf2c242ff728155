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
}

impl RedisServer {
    /// Starts one, or `None` (after saying so on stderr) when
    /// `redis-server` is not installed and [`REQUIRE`] is not set.
    pub fn start() -> Option<RedisServer> {
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
        let mut server = RedisServer {
            child: None,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            dir,
        };
        server.launch();
        Some(server)
    }

    fn launch(&mut self) {
        let child = Command::new("redis-server")
            .args([
                "--bind",
                "127.0.0.1",
                "--port",
                &self.addr.port().to_string(),
            ])
            .args([
                "--save",
                "",
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
            ])
            .arg("--dir")
            .arg(&self.dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server starts");
        self.child = Some(child);
        for _ in 0..200 {
            if self.ping() {
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

    /// `redis://127.0.0.1:{port}/`
    pub fn url(&self) -> String {
        format!("redis://{}/", self.addr)
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
