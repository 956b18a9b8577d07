#include "sink/dry_run_sink.hpp"

namespace ss::sink {

bool DryRunOutput::write(const batch::Batch& batch) {
    std::string text;
    for (const auto& m : batch.messages) {
        text += m.json;
        text += '\n';
    }
    std::lock_guard lock(m_mutex);
    return std::fwrite(text.data(), 1, text.size(), m_out) == text.size() && std::fflush(m_out) == 0;
}

namespace {

class DryRunSink final : public Sink {
public:
    explicit DryRunSink(std::shared_ptr<DryRunOutput> output) : m_output(std::move(output)) {}

    DeliveryReport deliver(const batch::Batch& batch, std::stop_token) override {
        DeliveryReport report;
        if (!m_output->write(batch)) {
            report.status = DeliveryReport::Status::Failed;
            report.failure = "cannot write to standard output";
        }
        return report;
    }

private:
    std::shared_ptr<DryRunOutput> m_output;
};

}  // namespace

SinkFactory dry_run_sink_factory(std::shared_ptr<DryRunOutput> output) {
    return [output] { return std::make_unique<DryRunSink>(output); };
}

}  // namespace ss::sink
