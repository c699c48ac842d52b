// Opens a written story in headless Chromium and checks the rendered DOM: content, script, no injection.
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <thread>

#include "story_test_data.hpp"
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include "odibi/observe/story.hpp"

namespace odibi::observe {
namespace {

namespace fs = std::filesystem;

constexpr const char* CHROMIUM = "/usr/bin/chromium";
constexpr auto BROWSER_TIMEOUT = std::chrono::seconds(90);
constexpr int POLL_INTERVAL_MS = 200;
constexpr size_t READ_CHUNK = 65536;

struct BrowserOutput {
    std::string dom;
    int exit_status = -1;
    bool timed_out = false;
};

// Runs Chromium with --dump-dom in its own process group; on timeout the whole group is killed.
BrowserOutput DumpDom(const fs::path& page, const fs::path& profile_folder) {
    int pipe_ends[2];
    if (::pipe(pipe_ends) != 0) {
        ADD_FAILURE() << "pipe failed: " << std::strerror(errno);
        return {};
    }
    std::string user_data = "--user-data-dir=" + profile_folder.string();
    std::string url = "file://" + page.string();
    std::vector<std::string> arguments = {CHROMIUM,
                                          "--headless=new",
                                          "--no-sandbox",
                                          "--disable-gpu",
                                          "--no-first-run",
                                          "--disable-background-networking",
                                          "--disable-component-update",
                                          "--disable-sync",
                                          "--disable-dev-shm-usage",
                                          user_data,
                                          "--dump-dom",
                                          url};
    pid_t child = ::fork();
    if (child < 0) {
        ADD_FAILURE() << "fork failed: " << std::strerror(errno);
        return {};
    }
    if (child == 0) {
        ::setpgid(0, 0);
        ::dup2(pipe_ends[1], STDOUT_FILENO);
        int null_device = ::open("/dev/null", O_WRONLY);
        if (null_device >= 0) {
            ::dup2(null_device, STDERR_FILENO);
        }
        ::close(pipe_ends[0]);
        ::close(pipe_ends[1]);
        std::vector<char*> argv;
        for (auto& argument : arguments) {
            argv.push_back(argument.data());
        }
        argv.push_back(nullptr);
        ::execv(CHROMIUM, argv.data());
        ::_exit(127);
    }
    ::setpgid(child, child);
    ::close(pipe_ends[1]);

    BrowserOutput output;
    auto deadline = std::chrono::steady_clock::now() + BROWSER_TIMEOUT;
    char buffer[READ_CHUNK];
    bool open = true;
    while (open) {
        if (std::chrono::steady_clock::now() > deadline) {
            output.timed_out = true;
            ::kill(-child, SIGKILL);
            break;
        }
        pollfd descriptor{pipe_ends[0], POLLIN, 0};
        int ready = ::poll(&descriptor, 1, POLL_INTERVAL_MS);
        if (ready < 0 && errno != EINTR) {
            break;
        }
        if (ready <= 0) {
            continue;
        }
        ssize_t count = ::read(pipe_ends[0], buffer, sizeof(buffer));
        if (count > 0) {
            output.dom.append(buffer, static_cast<size_t>(count));
        } else if (count == 0 || errno != EINTR) {
            open = false;
        }
    }
    ::close(pipe_ends[0]);
    int status = 0;
    // The DOM is complete once stdout closes; give the browser the rest of the deadline to exit.
    while (true) {
        pid_t done = ::waitpid(child, &status, WNOHANG);
        if (done == child) {
            output.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            break;
        }
        if (std::chrono::steady_clock::now() > deadline) {
            output.timed_out = true;
            ::kill(-child, SIGKILL);
            ::waitpid(child, &status, 0);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(POLL_INTERVAL_MS));
    }
    // Chromium's child processes share its process group; make sure none outlive the test.
    ::kill(-child, SIGKILL);
    return output;
}

bool Contains(const std::string& text, const std::string& needle) {
    return text.find(needle) != std::string::npos;
}

TEST(StoryBrowser, ChromiumRendersTheStory) {
    ASSERT_TRUE(fs::exists(CHROMIUM)) << "Chromium is not installed at " << CHROMIUM
                                      << ": run scripts/bootstrap.sh to install the test dependencies";
    testing::TemporaryFolder folder;
    StoryPaths paths =
        WriteStory(BuildStory(testing::MakeSampleResult(), StoryOptions{}), (folder.Path() / "stories").string());

    BrowserOutput output = DumpDom(paths.html_path, folder.Path() / "profile");
    ASSERT_FALSE(output.timed_out) << "Chromium did not finish within the time limit";
    ASSERT_EQ(output.exit_status, 0) << output.dom;
    const std::string& dom = output.dom;

    // The inline script ran to its end without an error.
    EXPECT_TRUE(Contains(dom, "data-story-script=\"ready\"")) << dom.substr(0, 2000);
    EXPECT_TRUE(Contains(dom, "class=\"js\"")) << dom.substr(0, 2000);
    // Tabs: only the Info panel of each card stays visible.
    EXPECT_TRUE(Contains(dom, R"(<section class="panel" data-panel="sql" hidden="")"));
    EXPECT_TRUE(Contains(dom, R"(<button type="button" data-tab="info" class="active" aria-selected="true">)"));

    for (const auto* name : {"load_customers", "clean_orders", "publish"}) {
        EXPECT_TRUE(Contains(dom, std::string("<h3 class=\"node-name\">") + name + "</h3>")) << name;
    }
    EXPECT_TRUE(Contains(dom, "Referenced column \"emial\" not found in FROM clause!")) << "error message not shown";
    EXPECT_TRUE(Contains(dom, "<svg class=\"dag\""));
    // A value that looks like markup stays text: its script never ran.
    EXPECT_FALSE(Contains(dom, "data-injected=\"1\""));
    EXPECT_TRUE(Contains(dom, "&lt;script&gt;document.body.setAttribute"));
}

} // namespace
} // namespace odibi::observe
