// The engine's rule index (runtime/engine/route_index.h): rules whose
// predicate is `true` see exactly the events their index filter lets
// through (so any other event reaching them would alert), with the VM's
// semantics: any element of a list, ASCII case-insensitive filters, prefixes,
// missing and non-string values; and which filter a rule with several gets.
#include "runtime/engine/route_index.h"

#include "tests/engine/engine_test_util.h"

namespace rdl::etest {
namespace {

Rule& Unconditional(ProgramBuilder& b, const std::string& name, std::vector<IndexFilter> filters) {
  Rule& r = b.AddRule(name, RuleKind::kMatch);
  r.pred = b.All({});  // true: only the index keeps other events away
  r.index_filters = std::move(filters);
  return r;
}

TEST_CASE("index filters: a rule sees the events whose field passes its filter") {
  ProgramBuilder b;
  Unconditional(b, "region", {{kRegion, false, false, {"eu-west-1", "us-east-1"}}});
  Unconditional(b, "region_ci", {{kRegion, true, false, {"us-west-2"}}});
  Unconditional(b, "prefix", {{kActor, false, true, {"arn:aws:iam::1:", "arn:aws:iam::12:"}}});
  Unconditional(b, "list", {{kResUids, false, false, {"snap-2"}}});
  Unconditional(b, "never", {{kStatus, false, false, {}}});
  Unconditional(b, "unfiltered", {});
  Rule& routed = Unconditional(b, "routed", {{kStatus, false, false, {"ok"}}});
  routed.route_actions = {"a"};
  auto pack = b.Load();
  auto res =
      Run(*pack,
          {Ev(0, "e0", "a", R"("cloud":{"region":"us-east-1"},"status":"ok")"),
           Ev(1, "e1", "b", R"("cloud":{"region":"US-West-2"},"status":"ok")"),
           Ev(2, "e2", "a",
              R"("cloud":{"region":"us-east-1x"},"actor":{"user":{"uid":"arn:aws:iam::12:u"}})"),
           Ev(3, "e3", "a", R"("actor":{"user":{"uid":"arn:aws:iam::123:u"}},"status":"no")"),
           Ev(4, "e4", "a",
              R"("actor":{"user":{"uid":"arn"}},"resources":[{"uid":"snap-1"},{"uid":"snap-2"}])"),
           Ev(5, "e5", "a", R"("cloud":{"region":7},"resources":[{"uid":"snap-1"}])"),
           Ev(6, "e6", "a",
              R"("cloud":{"region":"us-west-2"},"actor":{"user":{"uid":"arn:aws:iam::1:r"}})")});
  CHECK(res.summary == Strings{
                           "region [e0] +0s..+0s",
                           "unfiltered [e0] +0s..+0s",
                           "routed [e0] +0s..+0s",
                           "region_ci [e1] +1s..+1s",  // not routed: status ok, action b
                           "unfiltered [e1] +1s..+1s",
                           "prefix [e2] +2s..+2s",
                           "unfiltered [e2] +2s..+2s",
                           "unfiltered [e3] +3s..+3s",  // ::123: is neither prefix
                           "list [e4] +4s..+4s",        // any element
                           "unfiltered [e4] +4s..+4s",
                           "unfiltered [e5] +5s..+5s",  // a number equals no string
                           "region_ci [e6] +6s..+6s",
                           "prefix [e6] +6s..+6s",
                           "unfiltered [e6] +6s..+6s",
                       });
}

TEST_CASE("index filters: one per rule, on the field the pack tests most values of") {
  ProgramBuilder b;
  // status is tested against 2 values in the pack, cloud.region against 3.
  Unconditional(b, "r0", {{kStatus, false, false, {"ok"}}, {kRegion, false, false, {"a"}}});
  Unconditional(b, "r1",
                {{kStatus, false, false, {"failed"}}, {kRegion, false, false, {"b", "c"}}});
  // A filter nothing can pass beats any other; a prefix loses to equality
  // on a tie.
  Unconditional(b, "r2", {{kRegion, false, false, {"a"}}, {kStatus, false, false, {}}});
  Unconditional(b, "r3",
                {{kActor, false, true, {"x", "y", "z"}}, {kRes, false, false, {"1", "2", "3"}}});
  Unconditional(b, "r4", {});
  auto pack = b.Load();
  engine_internal::RouteIndex index;
  index.Build(pack->program());
  IndexFilter f;
  REQUIRE(index.ChosenFilter(0, &f));
  CHECK(f.slot == kRegion);
  REQUIRE(index.ChosenFilter(1, &f));
  CHECK(f.slot == kRegion);
  REQUIRE(index.ChosenFilter(2, &f));
  CHECK(f.slot == kStatus);
  REQUIRE(index.ChosenFilter(3, &f));
  CHECK(f.slot == kRes);
  CHECK_FALSE(f.prefix);
  CHECK_FALSE(index.ChosenFilter(4, &f));
  // With `true` predicates the chosen filters alone decide: region c passes
  // r1's, status ok (r0's other filter) is not looked at.
  std::vector<uint32_t> candidates;
  EventReader reader(pack->program());
  Event event;
  std::string error;
  REQUIRE(reader.Read(Ev(0, "e0", "a", R"("cloud":{"region":"c"},"status":"ok")"), &event, &error));
  index.Select(event, &candidates);
  CHECK(candidates == std::vector<uint32_t>{1, 4});  // in program order
}

}  // namespace
}  // namespace rdl::etest
