"""A throw-away x509 PKI for the TLS tests, made with GnuTLS's certtool.

    pki = make_pki(directory)

creates, under an empty or missing @directory:

    ca/cacert.pem ca/cakey.pem     the CA every good certificate chains to
    ca/cacrl.pem                   CRL of that CA, revoking client "revoked"
    otherca/cacert.pem cakey.pem   a second CA that qemud does not trust
    server/servercert.pem serverkey.pem
                                   CN 127.0.0.1, SAN 127.0.0.1 ::1 localhost,
                                   tls_www_server + signing + encryption
                                   (server/ also holds copies of cacert.pem
                                   and cacrl.pem: a libvirt-style pkipath)
    clients/<name>/                one libvirt client pkipath per case
        cacert.pem                 the real CA, so the server is trusted
                                   ("otherca": followed by the other CA)
        clientcert.pem clientkey.pem
        clientdn.txt               the subject DN as virt-pki-query-dn prints it

The client cases (CLIENTS): "good", "otherca" (signed by the second CA),
"expired", "notyet", "revoked", "baddn" (valid, DN not meant to be allowed)
and "nocert" (only cacert.pem: a client that presents no certificate).
libvirt's own client sanity-checks its certificate against its pkipath
before connecting: it refuses "expired" and "notyet" itself ("The client
certificate ... has expired"), and accepts "otherca" only because that
cacert.pem lists the other CA too. Even then, being a GnuTLS client, it
sends no certificate to a GnuTLS server (qemud, libvirtd), whose request
names only the CA that server trusts: the server sees "No certificate was
found." Python's ssl module presents all three unchecked, so a raw client
can show that the server refuses the certificates themselves.

Run as a script (`/usr/bin/python3 pki.py DIR`) it makes the PKI and prints
its paths as JSON; tests/unit/test_tls.c uses it that way.

Pure standard library; needs certtool (Debian: gnutls-bin).
"""
import datetime
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

CLIENTS = ('good', 'otherca', 'expired', 'notyet', 'revoked', 'baddn', 'nocert')

SUBJECT = 'country = GB\norganization = "qemud test"\nlocality = London\n'

@dataclass
class Client:
    name: str
    pkipath: str                  # for the ?pkipath= URI parameter
    cacert: str
    cert: str = None              # None for "nocert"
    key: str = None
    dn: str = None


@dataclass
class PKI:
    dir: str
    ca_file: str                  # qemud.conf ca_file
    ca_key: str
    crl_file: str                 # qemud.conf crl_file
    cert_file: str                # qemud.conf cert_file (server)
    key_file: str                 # qemud.conf key_file
    server_pkipath: str
    other_ca_file: str
    other_ca_key: str
    clients: dict = field(default_factory=dict)   # name -> Client

    @property
    def good_dn(self):
        return self.clients['good'].dn

    def server_conf(self):
        """The qemud.conf / libvirtd.conf settings for these files."""
        return {'key_file': self.key_file, 'cert_file': self.cert_file,
                'ca_file': self.ca_file, 'crl_file': self.crl_file}

    def as_dict(self):
        d = {k: v for k, v in self.__dict__.items() if k != 'clients'}
        d['clients'] = {n: c.__dict__ for n, c in self.clients.items()}
        return d


def _certtool(*args, template=None, workdir):
    cmd = ['certtool']
    tmpl = None
    if template is not None:
        tmpl = Path(workdir) / 'template.cfg'
        tmpl.write_text(template)
        cmd += ['--template', str(tmpl)]
    cmd += list(args)
    try:
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, check=False)
    finally:
        if tmpl is not None:
            tmpl.unlink()
    if r.returncode != 0:
        raise RuntimeError('%s failed (%d): %s' % (' '.join(cmd), r.returncode,
                                                   r.stderr.strip()))
    return r.stdout


def _genkey(path, workdir):
    _certtool('--generate-privkey', '--key-type', 'rsa', '--bits', '2048',
              '--outfile', str(path), workdir=workdir)
    os.chmod(path, 0o600)


def _date(dt):
    return dt.strftime('%Y-%m-%d %H:%M:%S')


def _make_ca(cadir, cn, workdir):
    cadir.mkdir(parents=True)
    key, cert = cadir / 'cakey.pem', cadir / 'cacert.pem'
    _genkey(key, workdir)
    _certtool('--generate-self-signed', '--load-privkey', str(key),
              '--outfile', str(cert), workdir=workdir,
              template='cn = "%s"\n%sca\ncert_signing_key\ncrl_signing_key\n'
                       'expiration_days = 3650\n' % (cn, SUBJECT))
    return cert, key


def _sign(cert, key, ca_cert, ca_key, template, workdir):
    _certtool('--generate-certificate', '--load-privkey', str(key),
              '--load-ca-certificate', str(ca_cert),
              '--load-ca-privkey', str(ca_key),
              '--outfile', str(cert), template=template, workdir=workdir)


def query_dn(cert):
    """@cert's subject DN exactly as virt-pki-query-dn prints it."""
    if shutil.which('virt-pki-query-dn'):
        r = subprocess.run(['virt-pki-query-dn', str(cert)],
                           capture_output=True, text=True, check=True)
        return r.stdout.rstrip('\n')
    # certtool prints the same gnutls_x509_crt_get_dn() string
    for line in _certtool('--certificate-info', '--infile', str(cert),
                          workdir=Path(cert).parent).splitlines():
        line = line.strip()
        if line.startswith('Subject: '):
            return line[len('Subject: '):]
    raise RuntimeError('no Subject in certtool output for %s' % cert)


def make_pki(directory):
    """Create the PKI under @directory; returns a PKI of absolute paths."""
    root = Path(directory).resolve()
    root.mkdir(parents=True, exist_ok=True)
    work = root
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)

    ca_cert, ca_key = _make_ca(root / 'ca', 'qemud test CA', work)
    other_cert, other_key = _make_ca(root / 'otherca', 'qemud other CA', work)

    srv = root / 'server'
    srv.mkdir()
    _genkey(srv / 'serverkey.pem', work)
    _sign(srv / 'servercert.pem', srv / 'serverkey.pem', ca_cert, ca_key,
          'cn = 127.0.0.1\n%sip_address = 127.0.0.1\nip_address = ::1\n'
          'dns_name = localhost\ntls_www_server\nencryption_key\nsigning_key\n'
          'expiration_days = 3650\n' % SUBJECT, work)
    shutil.copy(ca_cert, srv / 'cacert.pem')

    clients = {}
    cdir = root / 'clients'
    for name in CLIENTS:
        d = cdir / name
        d.mkdir(parents=True)
        shutil.copy(ca_cert, d / 'cacert.pem')
        if name == 'otherca':
            # libvirt's client checks its own certificate against this file
            # and would not connect at all: add its CA after the real one
            with open(d / 'cacert.pem', 'a') as f:
                f.write(other_cert.read_text())
        c = Client(name=name, pkipath=str(d), cacert=str(d / 'cacert.pem'))
        clients[name] = c
        if name == 'nocert':
            continue
        cn = 'intruder.example' if name == 'baddn' else 'client.' + name
        validity = 'expiration_days = 3650\n'
        if name == 'expired':
            validity = ('activation_date = "%s"\nexpiration_date = "%s"\n'
                        % (_date(now - datetime.timedelta(days=730)),
                           _date(now - datetime.timedelta(days=365))))
        elif name == 'notyet':
            validity = ('activation_date = "%s"\nexpiration_date = "%s"\n'
                        % (_date(now + datetime.timedelta(days=365)),
                           _date(now + datetime.timedelta(days=730))))
        if name == 'otherca':
            signer = (other_cert, other_key)
        else:
            signer = (ca_cert, ca_key)
        _genkey(d / 'clientkey.pem', work)
        _sign(d / 'clientcert.pem', d / 'clientkey.pem', *signer,
              'cn = "%s"\n%stls_www_client\nencryption_key\nsigning_key\n%s'
              % (cn, SUBJECT, validity), work)
        c.cert, c.key = str(d / 'clientcert.pem'), str(d / 'clientkey.pem')
        c.dn = query_dn(c.cert)
        (d / 'clientdn.txt').write_text(c.dn + '\n')

    crl = root / 'ca' / 'cacrl.pem'
    _certtool('--generate-crl', '--load-ca-privkey', str(ca_key),
              '--load-ca-certificate', str(ca_cert),
              '--load-certificate', clients['revoked'].cert,
              '--outfile', str(crl), workdir=work,
              template='crl_next_update = 365\ncrl_number = 1\n')
    shutil.copy(crl, srv / 'cacrl.pem')

    return PKI(dir=str(root), ca_file=str(ca_cert), ca_key=str(ca_key),
               crl_file=str(crl), cert_file=str(srv / 'servercert.pem'),
               key_file=str(srv / 'serverkey.pem'), server_pkipath=str(srv),
               other_ca_file=str(other_cert), other_ca_key=str(other_key),
               clients=clients)


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit('usage: pki.py DIR')
    json.dump(make_pki(sys.argv[1]).as_dict(), sys.stdout, indent=2)
    sys.stdout.write('\n')
