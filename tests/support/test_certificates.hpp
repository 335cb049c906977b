// TestCertificates: a CA, a loopback server certificate and client certificates made by openssl at test time.
#pragma once

#include <stdlib.h>

#include <stdexcept>
#include <string>

#include "support/peer_process.hpp"

namespace tracewire_test {

/// A fresh temporary directory holding `ca.pem` (a self-signed CA), `server.pem` /
/// `server.key` (a certificate for 127.0.0.1 and localhost signed by it), `client.pem` /
/// `client.key` (a client certificate, CN tracewire-test-client, signed by it) and
/// `stranger.pem` / `stranger.key` (a self-signed client certificate no CA vouches for),
/// made with the `openssl` command so that no key material lives in the repository.
/// Removed with the object.
struct TestCertificates {
  std::string directory;

  TestCertificates() {
    char directory_template[] = "/tmp/tracewire-tls-XXXXXX";
    if (::mkdtemp(directory_template) == nullptr) throw std::runtime_error("mkdtemp failed");
    directory = directory_template;
    shell("cd " + directory +
          " && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 1"
          " -subj /CN=tracewire-test-ca 2>/dev/null"
          " && openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr"
          " -subj /CN=127.0.0.1 2>/dev/null"
          " && printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > ext.cnf"
          " && openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem"
          " -days 1 -extfile ext.cnf 2>/dev/null"
          " && openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr"
          " -subj /CN=tracewire-test-client 2>/dev/null"
          " && printf 'extendedKeyUsage=clientAuth\\n' > client.cnf"
          " && openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem"
          " -days 1 -extfile client.cnf 2>/dev/null"
          " && openssl req -x509 -newkey rsa:2048 -nodes -keyout stranger.key -out stranger.pem -days 1"
          " -subj /CN=tracewire-test-stranger 2>/dev/null && echo made");
  }
  TestCertificates(const TestCertificates&) = delete;
  TestCertificates& operator=(const TestCertificates&) = delete;
  ~TestCertificates() {
    try {
      run_command({"rm", "-rf", directory});
    } catch (...) {  // a leftover temporary directory is no reason to abort the tests
    }
  }

  std::string ca() const { return directory + "/ca.pem"; }
  std::string server_certificate() const { return directory + "/server.pem"; }
  std::string server_key() const { return directory + "/server.key"; }
  std::string client_certificate() const { return directory + "/client.pem"; }
  std::string client_key() const { return directory + "/client.key"; }
  std::string stranger_certificate() const { return directory + "/stranger.pem"; }
  std::string stranger_key() const { return directory + "/stranger.key"; }

 private:
  static void shell(const std::string& command) {
    if (run_command({"/bin/sh", "-c", command}).find("made") == std::string::npos) {
      throw std::runtime_error("openssl could not make the test certificates");
    }
  }
};

}  // namespace tracewire_test
