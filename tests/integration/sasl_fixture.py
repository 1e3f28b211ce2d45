"""SASL set-up for integration tests: a private cyrus-sasl service config and
user database for the daemon, and a libvirt client auth file for virsh and
python3-libvirt.  Pure python (Debian's /usr/bin/python3); needs saslpasswd2
from sasl2-bin.

    from sasl_fixture import make_sasl, write_auth_file

    conf_dir = make_sasl(tmp_path / 'sasl', {'alice': 'secret'})
    # start the daemon with SASL_CONF_PATH=conf_dir, auth_unix_rw = "sasl"
    auth = write_auth_file(tmp_path / 'auth.conf', 'alice', 'secret')
    virsh(..., env=dict(os.environ, LIBVIRT_AUTH_FILE=auth))

What the files hold, and why it works (checked against libvirtd 9.0 and
cyrus-sasl 2.1.28 with virsh over a UNIX socket and over TCP):

* The daemon, like libvirtd, calls sasl_server_init(NULL, "libvirt"): cyrus
  reads "<SASL_CONF_PATH>/libvirt.conf" (the variable names a directory)
  instead of /etc/sasl2/libvirt.conf.  make_sasl writes there "mech_list"
  (which mechanisms to offer) and "sasldb_path" (our own database instead
  of /etc/sasldb2).  Cyrus ignores SASL_CONF_PATH in setuid programs only.

* The database is made with "saslpasswd2 -a libvirt -f DB -p -u REALM
  USER", the password on stdin (-p: pipe mode, one trailing newline is
  dropped).
  saslpasswd2 runs with the same SASL_CONF_PATH, so it sees the same
  libvirt.conf (e.g. which mechanisms store secrets of their own).

* Realms.  sasldb stores each user as USER@REALM.  The daemon passes no
  FQDN and no user realm to sasl_server_new (as libvirtd does), so its
  realm is the host name as cyrus' get_fqhostname() makes it: gethostname,
  replaced by the canonical name (getaddrinfo AI_CANONNAME) when it has no
  dot and the canonical name has one, lowercased.  DIGEST-MD5 announces
  that as the only realm; libvirt's client takes it without asking (so a
  "realm" key in the auth file changes nothing), sends the bare user name,
  and the server looks up USER@<realm>; SCRAM does the same lookup.
  saslpasswd2's own default realm is the plain gethostname (lowercased),
  which differs wherever the short host name resolves to an FQDN (checked:
  hostname "qdshort" with "127.0.1.1 qdshort.example.org qdshort" in
  /etc/hosts stores "dave@qdshort" while the server announces
  realm="qdshort.example.org" and the login fails).  add_user therefore
  passes "-u server_realm()" by default.  The identity the daemon then
  sees is the bare name ("alice"), which is what
  sasl_allowed_username_list must list.  A user added with another realm
  (add_user(..., realm='example.com')) must log in with authname
  "carol@example.com" (DIGEST-MD5 and SCRAM alike, checked with virsh
  against libvirtd 9.0) and is identified as "carol@example.com"; the
  bare "carol" fails.

* The client auth file (libvirt docs/auth.rst, "Client configuration"):

      [credentials-NAME]
      authname=alice
      password=secret

      [auth-libvirt-HOST]
      credentials=NAME

  HOST is the server part of the connection URI, or "localhost" when the
  URI has none, i.e. for every UNIX socket URI (test+unix:///default?
  socket=..., qemu:///system); "127.0.0.1" for qemu+tcp://127.0.0.1/...
  (the URI's text, no name resolution).  "[auth-libvirt-default]" is used
  when no HOST group matches.  SASL asks for "authname" and "password";
  "username" is for ESX/SSH, not for libvirtd with SASL.  libvirt reads the
  file named by $LIBVIRT_AUTH_FILE first (then ?authfile=..., then
  $XDG_CONFIG_HOME/libvirt/auth.conf, then /etc/libvirt/auth.conf).
  A value the file lacks makes virsh prompt for it, so tests that want a
  failure rather than a prompt should give virsh no terminal.
"""
import os
import shutil
import socket
import subprocess
from pathlib import Path

SASLPASSWD2_DIRS = ('/usr/sbin', '/sbin', '/usr/bin', '/usr/local/sbin')


def saslpasswd2():
    """The saslpasswd2 binary; fails (does not skip) when it is missing."""
    for d in SASLPASSWD2_DIRS:
        p = os.path.join(d, 'saslpasswd2')
        if os.access(p, os.X_OK):
            return p
    p = shutil.which('saslpasswd2')
    if p:
        return p
    raise RuntimeError('saslpasswd2 not found: install sasl2-bin')


def server_realm():
    """The realm of a daemon on this host (cyrus' get_fqhostname)."""
    name = socket.gethostname()
    if '.' not in name:
        try:
            ai = socket.getaddrinfo(name, None, type=socket.SOCK_STREAM,
                                    flags=socket.AI_CANONNAME)
            canon = ai[0][3] if ai else ''
            if canon and '.' in canon:
                name = canon
        except OSError:
            pass
    return name.lower()


def add_user(conf_dir, user, password, realm=None):
    """Add or change @user in the database of make_sasl(@conf_dir), in
    @realm (default: the daemon's, so the bare name logs in; another realm
    means logging in as "user@realm", see above)."""
    conf_dir = Path(conf_dir)
    env = dict(os.environ, SASL_CONF_PATH=str(conf_dir))
    argv = [saslpasswd2(), '-a', 'libvirt', '-f', str(conf_dir / 'passwd.db'),
            '-p', '-u', realm or server_realm(), user]
    r = subprocess.run(argv, input=password.encode(), env=env,
                       capture_output=True, timeout=30)
    if r.returncode != 0:
        raise RuntimeError('saslpasswd2 %s failed (%d): %s' % (
            user, r.returncode, r.stderr.decode(errors='replace')))


def make_sasl(dir, users=None, mechs='digest-md5 scram-sha-256'):
    """Create @dir/libvirt.conf (mech_list @mechs, sasldb_path
    @dir/passwd.db) and the database with @users ({name: password}; default
    alice/secret).  Returns @dir as a string, for SASL_CONF_PATH."""
    if users is None:
        users = {'alice': 'secret'}
    d = Path(dir)
    d.mkdir(parents=True, exist_ok=True)
    (d / 'libvirt.conf').write_text(
        'mech_list: %s\nsasldb_path: %s\n' % (mechs, d / 'passwd.db'))
    for user, password in users.items():
        add_user(d, user, password)
    return str(d)


def write_auth_file(path, authname, password,
                    hosts=('localhost', '127.0.0.1'), default=False,
                    name='qemud'):
    """Write a libvirt client auth file giving @authname/@password to
    libvirt SASL connections to each of @hosts ("localhost" covers UNIX
    socket URIs), and to any host when @default.  Returns the path (a
    string), for LIBVIRT_AUTH_FILE."""
    lines = ['[credentials-%s]' % name,
             'authname=%s' % authname,
             'password=%s' % password,
             '']
    for h in hosts:
        lines += ['[auth-libvirt-%s]' % h, 'credentials=%s' % name, '']
    if default:
        lines += ['[auth-libvirt-default]', 'credentials=%s' % name, '']
    p = Path(path)
    p.write_text('\n'.join(lines))
    p.chmod(0o600)
    return str(p)


def client_env(auth_file, base=None):
    """A copy of @base (default os.environ) that makes libvirt clients use
    @auth_file."""
    env = dict(os.environ if base is None else base)
    env['LIBVIRT_AUTH_FILE'] = str(auth_file)
    return env
