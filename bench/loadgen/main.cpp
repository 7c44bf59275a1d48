// SPDX-License-Identifier: MIT
//
// chat-loadgen: the load generator of bench/. See bench/README.md.
#include "coordinator.h"
#include "mockserver.h"
#include "options.h"
#include "selftest.h"

#include <csignal>
#include <cstdio>
#include <string>

int main(int argc, char **argv)
{
    std::signal(SIGPIPE, SIG_IGN);
    bench::Options options;
    std::string error;
    if (!bench::parseOptions(argc, argv, options, error)) {
        if (error == "help") {
            std::fputs(bench::usage(), stdout);
            return 0;
        }
        std::fprintf(stderr, "chat-loadgen: %s\n\n%s", error.c_str(), bench::usage());
        return 2;
    }
    if (options.scenario == bench::Scenario::SelfTest)
        return bench::runSelfTest();
    if (options.scenario == bench::Scenario::MockServer)
        return bench::runMockServer(options.port, options.timeout);
    bench::Coordinator coordinator(options);
    return coordinator.run();
}
