#include "pipeline/bounded_queue.hpp"

#include <gtest/gtest.h>

namespace ss::pipeline {
namespace {

TEST(BoundedQueue, AStopStartsNoItemThatIsStillQueued) {
    BoundedQueue<int> queue(4);
    std::stop_source running;
    ASSERT_TRUE(queue.push(1, running.get_token()));
    ASSERT_TRUE(queue.push(2, running.get_token()));
    EXPECT_EQ(queue.pop(running.get_token()), 1);
    std::stop_source stopped;
    stopped.request_stop();
    EXPECT_EQ(queue.pop(stopped.get_token()), std::nullopt);
}

}  // namespace
}  // namespace ss::pipeline
