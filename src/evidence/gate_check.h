// `self-hosted --gate-check`: is every claim of a [self_hosted] block backed by evidence in
// the same tree? benchmark_ref, production_ref, the CHANGELOG status marker, the stability
// verdict, and no pending gate for official cases. Reads through TreeSource only.
#pragma once

#include <string>
#include <vector>

#include "config/audit_config.h"
#include "diag/diagnostic.h"
#include "evidence/http_probe.h"
#include "evidence/stability.h"
#include "source/tree_source.h"

namespace ksa::evidence {

// A production_ref entry that names a host, for the optional network probe.
struct HostClaim {
    std::string component{};
    std::string host{};
    Location at{}; // where the entry is, for a finding about it
};

struct GateCheckResult {
    Diagnostics diagnostics;
    std::vector<std::string> notes; // what was not checked, and why
    std::vector<HostClaim> hosts;
    std::size_t manifests_read = 0;
    std::size_t components = 0;
};

// An entry of production_ref is a host when it holds a dot and no slash ("s.forge",
// "127.0.0.1:8080"); anything else names a module folder.
bool is_host(std::string_view entry);

GateCheckResult check_evidence(TreeSource& source, const std::vector<Candidate>& candidates, const AuditConfig& config,
                               const StabilityOracle& stability);

// --online: `answers` holds one probe result per entry of `result.hosts`, in order. A host that
// answers neither scheme is a finding (KSA024); one that answers, a note.
void add_probe_results(GateCheckResult& result, const std::vector<ProbeResult>& answers, const AuditConfig& config);

// --online (`probe` set): probes every claimed host and adds the results; without it, a note
// says how many hosts were not probed.
void check_hosts(GateCheckResult& result, const ProbeOptions* probe, const AuditConfig& config);

} // namespace ksa::evidence
