#include "batch/batch.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace ss::batch {
namespace {

core::Uuid id(std::uint8_t n) {
    core::Uuid::Bytes b{};
    b[15] = n;
    return core::Uuid{b};
}

message::EncodedMessage msg(std::uint8_t n, std::size_t size = 100) {
    message::EncodedMessage m;
    m.account = id(n);
    m.json = "{\"p\":\"" + std::string(size - 8, 'x') + "\"}";
    return m;
}

struct Collector {
    std::vector<Batch> batches;
    Batcher::Emit emit() {
        return [this](Batch&& b) { batches.push_back(std::move(b)); };
    }
};

TEST(Batch, BodySizeIsExactlyWhatRenderBodyProduces) {
    std::vector<message::EncodedMessage> messages{msg(1, 50), msg(2, 70), msg(3, 90)};
    const std::string body = render_body(messages, "2026-12-03T00:00:00.000Z");
    EXPECT_EQ(body.size(), body_size(210, 3));
    const auto j = nlohmann::json::parse(body);
    EXPECT_EQ(j["batch"].size(), 3u);
    EXPECT_EQ(j["sentAt"], "2026-12-03T00:00:00.000Z");
    EXPECT_EQ(render_body({}, "2026-12-03T00:00:00.000Z").size(), body_size(0, 0));
}

TEST(Batch, CutsAtTheMessageCount) {
    Collector c;
    Batcher batcher({3, 500'000, 32'768}, c.emit());
    for (std::uint8_t i = 1; i <= 7; ++i) batcher.add(msg(i));
    batcher.finish();
    ASSERT_EQ(c.batches.size(), 3u);
    EXPECT_EQ(c.batches[0].messages.size(), 3u);
    EXPECT_EQ(c.batches[2].messages.size(), 1u);
    EXPECT_EQ(c.batches[0].watermark, id(3));
    EXPECT_EQ(c.batches[2].watermark, id(7));
    for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(c.batches[i].sequence, i);
}

TEST(Batch, NeverExceedsTheByteLimitIncludingSentAt) {
    Collector c;
    const std::size_t limit = 1000;
    Batcher batcher({2500, limit, 32'768}, c.emit());
    for (std::uint8_t i = 1; i <= 40; ++i) batcher.add(msg(i, 97));
    batcher.finish();
    std::size_t total = 0;
    for (const auto& b : c.batches) {
        const std::string body = render_body(b.messages, "2026-12-03T00:00:00.000Z");
        EXPECT_LE(body.size(), limit);
        EXPECT_EQ(body.size(), b.body_bytes);
        // A fuller batch would not have fit: the cut is as late as possible.
        if (&b != &c.batches.back()) {
            EXPECT_GT(body.size() + 98, limit);
        }
        total += b.messages.size();
    }
    EXPECT_EQ(total, 40u);
}

TEST(Batch, SettledAccountsMoveTheWatermarkAndAreCountedOnce) {
    Collector c;
    Batcher batcher({2, 500'000, 32'768}, c.emit());
    batcher.add(msg(1));
    batcher.fail({id(2), "bad data"});
    batcher.skip_unchanged({id(3), 33});
    batcher.add(msg(4));  // fills the batch: 1 and 4, with 2 and 3 settled between them
    batcher.skip_unchanged({id(5), 55});
    batcher.emit_progress();  // nothing pending but a skip: a message-less batch
    batcher.finish();         // nothing new since: no batch
    ASSERT_EQ(c.batches.size(), 2u);
    EXPECT_EQ(c.batches[0].messages.size(), 2u);
    EXPECT_EQ(c.batches[0].failures.size(), 1u);
    ASSERT_EQ(c.batches[0].unchanged.size(), 1u);
    EXPECT_EQ(c.batches[0].unchanged[0].fingerprint, 33u);
    EXPECT_EQ(c.batches[0].watermark, id(4));
    EXPECT_TRUE(c.batches[1].messages.empty());
    EXPECT_EQ(c.batches[1].unchanged.size(), 1u);
    EXPECT_EQ(c.batches[1].watermark, id(5));
}

TEST(Batch, AMessageThatDoesNotFitClosesTheBatchBeforeIt) {
    Collector c;
    Batcher batcher({2500, body_size(250, 2), 32'768}, c.emit());
    batcher.add(msg(1, 125));
    batcher.skip_unchanged({id(2), 22});
    batcher.add(msg(3, 125));
    batcher.add(msg(4, 125));  // does not fit with 1 and 3
    batcher.finish();
    ASSERT_EQ(c.batches.size(), 2u);
    EXPECT_EQ(c.batches[0].messages.size(), 2u);
    EXPECT_EQ(c.batches[0].watermark, id(3));
    EXPECT_EQ(c.batches[1].watermark, id(4));
}

TEST(Batch, OversizedMessagesAreRecognized) {
    const BatchLimits limits{2500, 500'000, 32'768};
    EXPECT_FALSE(limits.message_too_large(msg(1, 32'768)));
    EXPECT_TRUE(limits.message_too_large(msg(1, 32'769)));
}

}  // namespace
}  // namespace ss::batch
