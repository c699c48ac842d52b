// A real PostgreSQL server for the state tests: Debian's server binaries, `initdb` into a temporary
// directory, one server per test binary on a free loopback port, stopped by PID when the binary ends.
// Each test gets its own schema. Missing server binaries fail the test with the fix (bootstrap.sh).
#pragma once

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "odibi/state/catalog.hpp"

namespace odibi::state::testing {

/// The superuser's password. It is a secret for the tests that check redaction: no error may show it.
inline constexpr const char* POSTGRES_TEST_PASSWORD = "pg-test-secret-Zq81x";
inline constexpr const char* POSTGRES_TEST_DATABASE = "odibi_test";
inline constexpr const char* POSTGRES_TEST_HOST = "127.0.0.1";

class PostgresTestServer {
public:
    /// The server of this test binary, started on first use. Throws std::runtime_error (which fails the
    /// test) when the server binaries are missing or the server does not start.
    static PostgresTestServer& Instance() {
        auto& server = Slot();
        if (!server) {
            server.reset(new PostgresTestServer());
        }
        return *server;
    }

    /// Stops and removes the server if one was started (gtest Environment teardown).
    static void Shutdown() { Slot().reset(); }

    ~PostgresTestServer() {
        StopServer(SIGTERM);
        std::error_code ignored;
        std::filesystem::remove_all(directory_, ignored);
    }
    PostgresTestServer(const PostgresTestServer&) = delete;
    PostgresTestServer& operator=(const PostgresTestServer&) = delete;
    PostgresTestServer(PostgresTestServer&&) = delete;
    PostgresTestServer& operator=(PostgresTestServer&&) = delete;

    [[nodiscard]] int Port() const { return port_; }
    [[nodiscard]] bool Running() const { return pid_ > 0; }
    [[nodiscard]] const std::filesystem::path& Directory() const { return directory_; }

    /// Catalog options for `schema` in the test database.
    [[nodiscard]] PostgresCatalogOptions OptionsFor(const std::string& schema) const {
        PostgresCatalogOptions options;
        options.connection_name = "state_db";
        options.host = POSTGRES_TEST_HOST;
        options.port = port_;
        options.database = POSTGRES_TEST_DATABASE;
        options.user = "postgres";
        options.password = POSTGRES_TEST_PASSWORD;
        options.connect_timeout = std::chrono::seconds(5);
        options.schema = schema;
        return options;
    }

    /// A schema name no other test of any process uses.
    [[nodiscard]] static std::string UniqueSchema(const std::string& prefix) {
        static std::atomic<int> counter{0};
        return prefix + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    }

    /// Stops the server the way an administrator's fast shutdown does: open sessions are cut off.
    void Stop() { StopServer(SIGINT); }

    /// Starts the server again on the same data directory and port.
    void Start() {
        if (pid_ > 0) {
            return;
        }
        std::string data = (directory_ / "data").string();
        std::string port = std::to_string(port_);
        pid_ = Spawn({Binary("postgres"),
                      "-D",
                      data,
                      "-k",
                      directory_.string(),
                      "-p",
                      port,
                      "-c",
                      "listen_addresses=127.0.0.1",
                      "-c",
                      "fsync=off",
                      "-c",
                      "synchronous_commit=off",
                      "-c",
                      "full_page_writes=off",
                      "-c",
                      "max_connections=60"},
                     directory_ / "server.log");
        WaitUntilReady();
    }

private:
    PostgresTestServer() {
        bin_directory_ = FindBinDirectory();
        char pattern[] = "/tmp/odibi_postgres_XXXXXX";
        if (::mkdtemp(pattern) == nullptr) {
            throw std::runtime_error("cannot create a temporary directory for the PostgreSQL test server");
        }
        directory_ = pattern;
        run_as_server_user_ = ::geteuid() == 0;
        if (run_as_server_user_) {
            const passwd* user = ::getpwnam("postgres");
            if (user == nullptr) {
                throw std::runtime_error("user \"postgres\" does not exist: run scripts/bootstrap.sh (it installs the "
                                         "postgresql package, which creates it)");
            }
            uid_ = user->pw_uid;
            gid_ = user->pw_gid;
            if (::chown(directory_.c_str(), uid_, gid_) != 0) {
                throw std::runtime_error("cannot hand " + directory_.string() + " to user postgres");
            }
        }
        std::filesystem::path password_file = directory_ / "password";
        std::ofstream(password_file) << POSTGRES_TEST_PASSWORD << "\n";
        if (run_as_server_user_ && ::chown(password_file.c_str(), uid_, gid_) != 0) {
            throw std::runtime_error("cannot hand the password file to user postgres");
        }
        // Local (socket) logins are trusted; TCP logins, which odibi uses, need the password.
        pid_t initdb = Spawn({Binary("initdb"),
                              "-D",
                              (directory_ / "data").string(),
                              "-U",
                              "postgres",
                              "--pwfile=" + password_file.string(),
                              "--auth-local=trust",
                              "--auth-host=scram-sha-256",
                              "-E",
                              "UTF8",
                              "--locale=C",
                              "--no-sync",
                              "--no-instructions"},
                             directory_ / "initdb.log");
        int status = 0;
        ::waitpid(initdb, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            throw std::runtime_error("initdb failed: " + ReadLog("initdb.log"));
        }
        port_ = FreePort();
        Start();
        Admin("CREATE DATABASE " + std::string(POSTGRES_TEST_DATABASE));
    }

    static std::unique_ptr<PostgresTestServer>& Slot() {
        static std::unique_ptr<PostgresTestServer> server;
        return server;
    }

    static std::filesystem::path FindBinDirectory() {
        if (const char* configured = std::getenv("ODIBI_POSTGRES_BIN")) {
            return configured;
        }
        std::filesystem::path found;
        std::error_code error_code;
        for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", error_code)) {
            if (std::filesystem::exists(entry.path() / "bin" / "postgres") &&
                std::filesystem::exists(entry.path() / "bin" / "initdb") && entry.path() > found) {
                found = entry.path() / "bin";
            }
        }
        if (found.empty()) {
            throw std::runtime_error("the PostgreSQL server binaries (initdb, postgres) are not installed in "
                                     "/usr/lib/postgresql/<version>/bin: run scripts/bootstrap.sh, which installs the "
                                     "postgresql package (or set ODIBI_POSTGRES_BIN to their directory)");
        }
        return found;
    }

    [[nodiscard]] std::string Binary(const std::string& name) const { return (bin_directory_ / name).string(); }

    static int FreePort() {
        int socket_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = 0;
        socklen_t length = sizeof(address);
        if (socket_fd < 0 || ::bind(socket_fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
            ::getsockname(socket_fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
            throw std::runtime_error("cannot find a free loopback port for the PostgreSQL test server");
        }
        ::close(socket_fd);
        return ntohs(address.sin_port);
    }

    // Runs `arguments` as user postgres (when this process is root: the server refuses to run as root),
    // with stdout and stderr appended to `log`.
    pid_t Spawn(const std::vector<std::string>& arguments, const std::filesystem::path& log) const {
        pid_t child = ::fork();
        if (child < 0) {
            throw std::runtime_error("fork failed");
        }
        if (child == 0) {
            int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
            if (log_fd >= 0) {
                ::dup2(log_fd, STDOUT_FILENO);
                ::dup2(log_fd, STDERR_FILENO);
                ::close(log_fd);
            }
            // A new process group: a Ctrl-C in the terminal reaches the tests, not the server directly.
            ::setpgid(0, 0);
            if (run_as_server_user_ && (::setgroups(0, nullptr) != 0 || ::setgid(gid_) != 0 || ::setuid(uid_) != 0)) {
                ::_exit(126);
            }
            std::vector<char*> argv;
            for (const auto& argument : arguments) {
                argv.push_back(const_cast<char*>(argument.c_str()));
            }
            argv.push_back(nullptr);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        return child;
    }

    [[nodiscard]] std::string ConnectionInfo(const std::string& database) const {
        return "host=" + std::string(POSTGRES_TEST_HOST) + " port=" + std::to_string(port_) + " dbname=" + database +
               " user=postgres password=" + POSTGRES_TEST_PASSWORD + " connect_timeout=5";
    }

    void WaitUntilReady() {
        constexpr auto STARTUP_LIMIT = std::chrono::seconds(60);
        auto deadline = std::chrono::steady_clock::now() + STARTUP_LIMIT;
        std::string info = ConnectionInfo("postgres");
        while (std::chrono::steady_clock::now() < deadline) {
            if (PQping(info.c_str()) == PQPING_OK) {
                return;
            }
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                throw std::runtime_error("the PostgreSQL test server exited at start: " + ReadLog("server.log"));
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        StopServer(SIGKILL);
        throw std::runtime_error("the PostgreSQL test server did not accept connections within 60 s: " +
                                 ReadLog("server.log"));
    }

    // Sends `signal`, then waits for the postmaster; escalates to a fast, then a forced stop if it hangs.
    void StopServer(int signal) {
        if (pid_ <= 0) {
            return;
        }
        constexpr auto PATIENCE = std::chrono::seconds(10);
        for (int next : {signal, SIGINT, SIGKILL}) {
            ::kill(pid_, next);
            auto deadline = std::chrono::steady_clock::now() + PATIENCE;
            while (std::chrono::steady_clock::now() < deadline) {
                int status = 0;
                pid_t waited = ::waitpid(pid_, &status, WNOHANG);
                if (waited == pid_ || (waited < 0 && errno == ECHILD)) {
                    pid_ = -1;
                    return;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
        }
    }

    void Admin(const std::string& sql) const {
        std::string info = ConnectionInfo("postgres");
        PGconn* connection = PQconnectdb(info.c_str());
        PGresult* result = PQexec(connection, sql.c_str());
        bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
        std::string message = PQerrorMessage(connection);
        PQclear(result);
        PQfinish(connection);
        if (!ok) {
            throw std::runtime_error("PostgreSQL test setup failed (" + sql + "): " + message);
        }
    }

    [[nodiscard]] std::string ReadLog(const std::string& name) const {
        std::ifstream stream(directory_ / name);
        std::stringstream text;
        text << stream.rdbuf();
        return text.str();
    }

    std::filesystem::path bin_directory_;
    std::filesystem::path directory_;
    bool run_as_server_user_ = false;
    uid_t uid_ = 0;
    gid_t gid_ = 0;
    int port_ = 0;
    pid_t pid_ = -1;
};

/// Stops the server (if a test started one) when the test binary ends.
class PostgresServerEnvironment : public ::testing::Environment {
public:
    void TearDown() override { PostgresTestServer::Shutdown(); }
};

inline ::testing::Environment* const POSTGRES_SERVER_ENVIRONMENT =
    ::testing::AddGlobalTestEnvironment(new PostgresServerEnvironment());

} // namespace odibi::state::testing
