#pragma once
// A blocking FIFO with a capacity, so a fast reader cannot run ahead of the
// senders by more than a few batches: memory stays constant.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <stop_token>

namespace ss::pipeline {

template <typename T>
class BoundedQueue {
public:
    explicit BoundedQueue(std::size_t capacity) : m_capacity(capacity) {}

    // Blocks while full. False when stopped or closed (the item is dropped).
    bool push(T item, std::stop_token stop) {
        std::unique_lock lock(m_mutex);
        if (!m_not_full.wait(lock, stop, [&] { return m_closed || m_items.size() < m_capacity; })) return false;
        if (m_closed) return false;
        m_items.push_back(std::move(item));
        m_not_empty.notify_one();
        return true;
    }

    // Blocks while empty; nullopt once closed and drained, or when stopped.
    std::optional<T> pop(std::stop_token stop) {
        std::unique_lock lock(m_mutex);
        if (!m_not_empty.wait(lock, stop, [&] { return m_closed || !m_items.empty(); })) return std::nullopt;
        // A stop requested while items wait starts none of them (the wait
        // above returns true when items are there, stop or not).
        if (m_items.empty() || stop.stop_requested()) return std::nullopt;
        T item = std::move(m_items.front());
        m_items.pop_front();
        m_not_full.notify_one();
        return item;
    }

    // Waits at most `timeout` for an item.
    template <typename Duration>
    std::optional<T> pop_for(Duration timeout) {
        std::unique_lock lock(m_mutex);
        if (!m_not_empty.wait_for(lock, timeout, [&] { return m_closed || !m_items.empty(); })) return std::nullopt;
        if (m_items.empty()) return std::nullopt;
        T item = std::move(m_items.front());
        m_items.pop_front();
        m_not_full.notify_one();
        return item;
    }

    // No more pushes; poppers drain what is left, then get nullopt.
    void close() {
        std::lock_guard lock(m_mutex);
        m_closed = true;
        m_not_empty.notify_all();
        m_not_full.notify_all();
    }

private:
    std::mutex m_mutex;
    std::condition_variable_any m_not_empty;
    std::condition_variable_any m_not_full;
    std::deque<T> m_items;
    std::size_t m_capacity;
    bool m_closed = false;
};

}  // namespace ss::pipeline
