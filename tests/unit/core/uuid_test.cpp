#include "core/uuid.hpp"

#include <gtest/gtest.h>

namespace ss::core {
namespace {

TEST(Uuid, Base36IsTheAppsRenderingPaddedTo25) {
    // The app renders 01936f1e-93b1-7a2b-8c3d-4e5f60718293 this way (128-bit value, base 36).
    const auto id = Uuid::from_hex("01936f1e-93b1-7a2b-8c3d-4e5f60718293");
    ASSERT_TRUE(id);
    const std::string b36 = id->to_base36();
    EXPECT_EQ(b36.size(), 25u);
    EXPECT_EQ(Uuid::from_base36(b36), id);
    EXPECT_EQ(Uuid{}.to_base36(), std::string(25, '0'));
}

TEST(Uuid, Base36OfKnownValues) {
    Uuid::Bytes one{};
    one[15] = 1;
    EXPECT_EQ(Uuid{one}.to_base36(), "0000000000000000000000001");
    Uuid::Bytes thirty_six{};
    thirty_six[15] = 36;
    EXPECT_EQ(Uuid{thirty_six}.to_base36(), "0000000000000000000000010");
    Uuid::Bytes max{};
    max.fill(0xff);
    // 2^128 - 1 in base 36.
    EXPECT_EQ(Uuid{max}.to_base36(), "f5lxx1zz5pnorynqglhzmsp33");
}

TEST(Uuid, ParsesEveryTextForm) {
    const auto id = Uuid::from_hex("0123456789abcdef0123456789ABCDEF");
    ASSERT_TRUE(id);
    EXPECT_EQ(Uuid::parse("01234567-89ab-cdef-0123-456789abcdef"), id);
    EXPECT_EQ(Uuid::parse(id->to_base36()), id);
    EXPECT_EQ(Uuid::parse(id->to_hex()), id);
    EXPECT_EQ(id->to_dashed(), "01234567-89ab-cdef-0123-456789abcdef");
}

TEST(Uuid, RejectsMalformedText) {
    EXPECT_FALSE(Uuid::from_hex("0123"));
    EXPECT_FALSE(Uuid::from_hex("0123456789abcdef0123456789abcdeg"));
    EXPECT_FALSE(Uuid::from_hex("01234567-89ab-cdef-0123_456789abcdef"));
    EXPECT_FALSE(Uuid::from_base36(""));
    EXPECT_FALSE(Uuid::from_base36("f5lxx1zz5pnorynqglhzmsp34"));   // 2^128: overflow
    EXPECT_FALSE(Uuid::from_base36("00000000000000000000000000"));  // 26 digits
    EXPECT_FALSE(Uuid::from_base36("abc-def"));
    EXPECT_FALSE(Uuid::from_bytes("short"));
}

TEST(Uuid, OrdersAsBigEndianBytes) {
    Uuid::Bytes a{}, b{};
    a[0] = 1;
    b[15] = 0xff;
    EXPECT_LT(Uuid{b}, Uuid{a});
    EXPECT_LT(Uuid{b}.to_base36(), Uuid{a}.to_base36());  // same order as text, being fixed-width
}

TEST(Uuid, PredecessorIsTheLargestSmallerId) {
    Uuid::Bytes b{};
    b[14] = 1;  // 0x0100
    Uuid::Bytes expected{};
    expected[15] = 0xff;  // 0x00ff
    EXPECT_EQ(Uuid{b}.predecessor(), Uuid{expected});
    EXPECT_EQ(Uuid{}.predecessor(), Uuid{});
}

}  // namespace
}  // namespace ss::core
