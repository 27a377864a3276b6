//! nginx for the benchmarks: the one guard that starts the system's nginx on a free loopback
//! port with every file of its own in a directory, waits until it listens, and stops it when
//! dropped. `bench mirror` and `bench cluster` serve the mirror with it
//! ([`Nginx::mirror`], the configuration of `deploy/nginx-mirror.conf`); `bench cluster`
//! also puts it in front of its `ashyq serve` instances ([`Nginx::proxy`], the upstream of
//! `docs/deploy.md`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// The nginx configuration of the mirror, shared with `docs/deploy.md`.
const MIRROR_CONF: &str = include_str!("../../../deploy/nginx-mirror.conf");

/// A running nginx; stopped on drop.
pub(crate) struct Nginx {
    child: std::process::Child,
    /// Where it listens.
    pub(crate) addr: SocketAddr,
    dir: PathBuf,
}

/// Fails, saying what to install, unless `program` runs (`nginx -v`).
pub(crate) fn check(program: &Path) -> Result<()> {
    let ran = std::process::Command::new(program)
        .arg("-v")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
    match ran {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => bail!(
            "{} -v failed ({s}); this benchmark needs nginx (Debian: apt-get install -y nginx) or --nginx PATH",
            program.display()
        ),
        Err(e) => bail!(
            "nginx is missing: cannot run {} ({e}); this benchmark needs nginx (Debian: apt-get install -y nginx) or --nginx PATH",
            program.display()
        ),
    }
}

fn free_addr() -> Result<SocketAddr> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?)
}

impl Nginx {
    /// nginx serving the mirror in `root`, configured by `deploy/nginx-mirror.conf`.
    pub(crate) fn mirror(program: &Path, root: &Path, dir: &Path) -> Result<Nginx> {
        let addr = free_addr()?;
        let conf = MIRROR_CONF
            .replace("listen 8080;", &format!("listen {addr};"))
            .replace(
                "root /srv/ashyq-mirror;",
                &format!("root {};", root.display()),
            );
        Nginx::start(program, &conf, addr, dir)
    }

    /// nginx in front of `upstreams` (`ashyq serve --behind-proxy` instances): an instance
    /// that fails is left out for 2 s, a read that fails on one is passed to the next (a
    /// POST is not: it is not idempotent, the client retries it).
    pub(crate) fn proxy(program: &Path, upstreams: &[SocketAddr], dir: &Path) -> Result<Nginx> {
        let addr = free_addr()?;
        let servers: String = upstreams
            .iter()
            .map(|u| format!("        server {u} max_fails=1 fail_timeout=2s;\n"))
            .collect();
        let d = dir.display();
        let conf = format!(
            "worker_processes 1;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {d}/client_body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    keepalive_requests 100000;
    upstream ashyq {{
{servers}        keepalive 64;
    }}
    server {{
        listen {addr};
        location / {{
            proxy_pass http://ashyq;
            proxy_http_version 1.1;
            proxy_set_header Connection \"\";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_connect_timeout 250ms;
            proxy_read_timeout 30s;
            proxy_next_upstream error timeout http_502 http_503;
            proxy_next_upstream_tries 3;
        }}
    }}
}}
"
        );
        Nginx::start(program, &conf, addr, dir)
    }

    fn start(program: &Path, conf: &str, addr: SocketAddr, dir: &Path) -> Result<Nginx> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create {} for nginx", dir.display()))?;
        let conf_path = dir.join("nginx.conf");
        std::fs::write(&conf_path, conf)?;
        // As root, the workers would switch to nobody, who cannot read or write the directory.
        let as_root = std::fs::metadata("/proc/self")
            .is_ok_and(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0);
        let user = if as_root { " user root;" } else { "" };
        let globals = format!("pid {};{user}", dir.join("nginx.pid").display());
        let child = std::process::Command::new(program)
            .arg("-p")
            .arg(dir)
            .arg("-e")
            .arg(dir.join("error.log"))
            .arg("-c")
            .arg(&conf_path)
            .args(["-g", &format!("daemon off; {globals}")])
            .stdout(std::process::Stdio::null())
            .spawn()
            .with_context(|| {
                format!(
                    "cannot start {}; install nginx (Debian: apt-get install -y nginx) or give --nginx",
                    program.display()
                )
            })?;
        let mut nginx = Nginx {
            child,
            addr,
            dir: dir.to_owned(),
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(addr).is_err() {
            if Instant::now() > deadline || nginx.child.try_wait().is_ok_and(|s| s.is_some()) {
                bail!("nginx did not start listening on {addr}: {}", nginx.log());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(nginx)
    }

    /// Its error log so far.
    pub(crate) fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("error.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    /// A fast shutdown (SIGTERM), which stops its workers too; SIGKILL of the master alone
    /// would leave them running.
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        let termed = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .is_ok_and(|s| s.success());
        if !termed {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}
