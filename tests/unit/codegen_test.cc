// Code generation: tables, register allocation, jumps and loops, captures,
// limits, determinism; the optimizer passes; and the generated code run on
// the VM (the interpreter is the oracle of what a predicate means).
#include "compiler/codegen/codegen.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "compiler/opt/passes.h"
#include "runtime/format/pack.h"
#include "runtime/vm/event.h"
#include "runtime/vm/interpreter.h"
#include "runtime/vm/loaded_pack.h"
#include "tests/unit/sema_test_util.h"

using namespace rdl;
using namespace rdl::testing;

namespace {

Program Build(const std::string& text, CompileOptions options = {}) {
  Result r = CompileText(text, options);
  INFO(r.Text());
  REQUIRE(r.out.has_value());
  return r.out->program;
}

std::string FieldName(const Program& p, uint16_t slot) {
  return ir::DottedPath(p.fields[slot].segments);
}

// Runs a rule's predicate (or a stage's, with captures of earlier stages)
// over one JSON event on the interpreter.
class Vm {
 public:
  explicit Vm(const std::string& text, CompileOptions options = {}) {
    std::string error;
    pack_ = LoadedPack::Load(Build(text, options), &error);
    INFO(error);
    REQUIRE(pack_);
  }
  bool Match(const std::string& fields, size_t rule = 0) {
    return Run(pack_->program().rules[rule].pred, fields, nullptr);
  }
  bool Stage(size_t stage, const std::string& fields, const StageRefs& refs) {
    return Run(pack_->program().rules[0].stages[stage].pred, fields, &refs);
  }
  const Program& program() const { return pack_->program(); }

 private:
  bool Run(const Code& code, const std::string& fields, const StageRefs* refs) {
    std::string json = "{\"time\":\"2026-01-05T10:00:00Z\",\"metadata\":{\"uid\":\"e1\"}";
    if (!fields.empty()) json += "," + fields;
    json += "}";
    EventReader reader(pack_->program());
    Event event;
    std::string error;
    INFO(json);
    INFO(error);
    REQUIRE(reader.Read(json, &event, &error));
    Interpreter interp(*pack_);
    return interp.Run(code, event, refs);
  }
  std::unique_ptr<LoadedPack> pack_;
};

std::vector<Op> Ops(const Code& c) {
  std::vector<Op> ops;
  for (const Instr& i : c.instrs) ops.push_back(i.op);
  return ops;
}

}  // namespace

TEST_CASE("time and metadata.uid always have slots; fields and constants are shared") {
  Program p = Build(MatchRule("resource.uid == \"x\" or resource.uid != \"x\" or status == \"x\"") +
                    RuleText("match where status == \"x\"", "r2"));
  CHECK(p.time_slot == 0);
  CHECK(p.uid_slot == 1);
  CHECK(p.fields[0].type == FieldType::kTime);
  CHECK(p.fields[1].type == FieldType::kString);
  std::vector<std::string> names;
  for (uint16_t i = 0; i < p.fields.size(); ++i) names.push_back(FieldName(p, i));
  CHECK(names == std::vector<std::string>{"time", "metadata.uid", "resource.uid", "status"});
  REQUIRE(p.consts.size() == 1);
  CHECK(p.consts[0].kind == ConstKind::kString);
  CHECK(p.consts[0].s == "x");
}

TEST_CASE("and/or short-circuit to the end of their chain") {
  Program p = Build(MatchRule(
      "action == \"snapshot.create\" and status == \"success\" and resource.uid == \"x\""));
  const Code& c = p.rules[0].pred;
  CHECK(Ops(c) == std::vector<Op>{Op::LoadField, Op::LoadConst, Op::Eq, Op::JumpIfFalse,
                                  Op::LoadField, Op::LoadConst, Op::Eq, Op::JumpIfFalse,
                                  Op::LoadField, Op::LoadConst, Op::Eq, Op::Return});
  CHECK(c.instrs[3].b == 11);
  CHECK(c.instrs[7].b == 11);
  CHECK(c.num_regs == 2);
  // Every result lands in R0, which Return reads.
  CHECK(c.instrs[11].a == 0);
}

TEST_CASE("quantifiers compile to a bounded loop: backward jumps land on IterNext") {
  Program p = Build(MatchRule("any x in raw.items: x.group == \"all\""));
  const Code& c = p.rules[0].pred;
  CHECK(Ops(c) == std::vector<Op>{Op::LoadField, Op::IterInit, Op::LoadConst, Op::IterNext,
                                  Op::Move, Op::GetPath, Op::LoadConst, Op::Eq, Op::JumpIfTrue,
                                  Op::Jump, Op::LoadConst, Op::Return});
  CHECK(c.instrs[9].b == 3);              // Jump back onto IterNext
  CHECK(c.instrs[3].b == 11);             // exhausted: past the `found` store
  CHECK(c.instrs[8].b == 10);             // found: store true
  CHECK(c.instrs[1].a + 1 < c.num_regs);  // IterInit uses two registers
  std::string error;
  CHECK(VerifyProgram(p, &error));
}

TEST_CASE("sequence stages capture uid, time, then what later stages and the template use") {
  Program p = Build(RuleText(
      "sequence by actor.user.uid within 1h\n"
      " snap: where action == \"snapshot.create\"\n"
      " vol: where action == \"volume.create\" and related.snapshot.uid == snap.resource.uid "
      "and time - snap.time < 10m\n"
      " mnt: where resource.uid == vol.resource.uid\n"
      " until where action == \"snapshot.delete\"\n"
      " emit \"{snap.cloud.region}\""));
  const Rule& r = p.rules[0];
  REQUIRE(r.stages.size() == 3);
  auto names = [&](const std::vector<uint16_t>& slots) {
    std::vector<std::string> n;
    for (uint16_t s : slots) n.push_back(FieldName(p, s));
    return n;
  };
  CHECK(names(r.stages[0].captures) ==
        std::vector<std::string>{"metadata.uid", "time", "resource.uid", "cloud.region"});
  CHECK(names(r.stages[1].captures) ==
        std::vector<std::string>{"metadata.uid", "time", "resource.uid"});
  CHECK(names(r.stages[2].captures) == std::vector<std::string>{"metadata.uid", "time"});
  // `snap.resource.uid` is capture 2 of stage 0; `snap.time` capture 1.
  std::vector<std::pair<uint16_t, uint16_t>> refs;
  for (const Instr& i : r.stages[1].pred.instrs) {
    if (i.op == Op::LoadRef) refs.push_back({i.b, i.c});
  }
  CHECK(refs == std::vector<std::pair<uint16_t, uint16_t>>{{0, 2}, {0, 1}});
  CHECK(r.has_until);
  CHECK(r.key_names == std::vector<std::string>{"actor.user.uid"});
  REQUIRE(r.message.size() == 1);
  CHECK(r.message[0].kind == TemplatePart::Kind::kCapture);
  CHECK(r.message[0].index == 3);
  CHECK(r.route_actions == std::vector<std::string>{});  // `mnt` cannot be routed
  std::string error;
  CHECK(VerifyProgram(p, &error));
}

TEST_CASE("more than 256 registers is E0407, not a broken program") {
  std::string cond;
  for (int i = 0; i < 70; ++i) cond += "any x" + std::to_string(i) + " in raw.l: ";
  cond += "x0 == 1";
  Result r = CompileText(MatchRule(cond));
  CHECK(r.Codes() == std::vector<std::string>{"E0407"});
  CHECK(!r.out.has_value());
  // 50 levels fit: the result, 5 registers per level (collection, iterator
  // pair, element, body) and the innermost comparison's operand.
  cond.clear();
  for (int i = 0; i < 50; ++i) cond += "any x" + std::to_string(i) + " in raw.l: ";
  cond += "x0 == 1";
  Program p = Build(MatchRule(cond));
  CHECK(p.rules[0].pred.num_regs == 252);
}

TEST_CASE("the same sources give the same Program and the same pack bytes") {
  auto build = [] {
    SourceManager sm;
    DiagnosticSink sink;
    std::vector<uint32_t> ids =
        LoadSources({std::string(RDL_SOURCE_DIR) + "/rules/t1578"}, sm, sink);
    auto out = Compile(sm, ids, {}, sink);
    std::string text;
    for (const Diagnostic& d : sink.diagnostics()) text += RenderText(d, sm);
    INFO(text);
    REQUIRE(out.has_value());
    return out->program;
  };
  Program a = build();
  Program b = build();
  CHECK(a == b);
  CHECK(WritePack(a) == WritePack(b));
  std::string error;
  CHECK(VerifyProgram(a, &error));
  CHECK(error.empty());
  CHECK(a.rules.size() > 10);
}

TEST_CASE("passes are named and switchable; routes are empty without `route`") {
  std::vector<std::string> names;
  for (const opt::PassInfo& p : opt::Passes()) names.push_back(p.name);
  CHECK(names ==
        std::vector<std::string>{"constant-fold", "cheap-first", "route", "index", "prefilter"});
  CHECK(opt::IsPass("route"));
  CHECK_FALSE(opt::IsPass("cse"));
  std::string rule =
      MatchRule("resource.uid matches /x/ and 2 * 3 == 6 and action == \"snapshot.create\"");
  Result on = CompileText(rule);
  REQUIRE(on.out.has_value());
  CHECK(on.out->ir_dump.find("pred: (and (== action:string \"snapshot.create\") (matches "
                             "resource.uid:string /x/))") != std::string::npos);
  CHECK(on.program().rules[0].route_actions == std::vector<std::string>{"snapshot.create"});
  CompileOptions off;
  off.disabled_passes = {"constant-fold", "cheap-first", "route", "index", "prefilter"};
  Result raw = CompileText(rule, off);
  REQUIRE(raw.out.has_value());
  CHECK(raw.out->ir_dump.find("pred: (and (matches resource.uid:string /x/) (== (* 2 3) 6) (== "
                              "action:string \"snapshot.create\"))") != std::string::npos);
  CHECK(raw.program().rules[0].route_actions.empty());
  CHECK(raw.program().rules[0].prefilter_all);
  CHECK(raw.program().rules[0].index_filters.empty());
}

TEST_CASE("regex required literals: the longest run every match contains") {
  CHECK(opt::RegexRequiredLiteral("^Send(SerialConsole)?SSHPublicKey\\s*$") == "SSHPublicKey");
  CHECK(opt::RegexRequiredLiteral("(?i)/extensions/(a|b)$") == "/extensions/");
  CHECK(opt::RegexRequiredLiteral("abc|defgh") == "");               // top-level alternation
  CHECK(opt::RegexRequiredLiteral("colou?r-scheme") == "r-scheme");  // `u?` is optional
  CHECK(opt::RegexRequiredLiteral("ab+cdef") == "cdef");             // `b+`: one b, then a break
  CHECK(opt::RegexRequiredLiteral("x{0,3}yz\\.com") == "yz.com");
  CHECK(opt::RegexRequiredLiteral("[a-z]+\\d{2}") == "");
  CHECK(opt::RegexRequiredLiteral("\\Qa.b*c\\E") == "a.b*c");
  CHECK(opt::PrefilterLiteral("\"userData\"") == "userData");  // quotes are escaped in JSON
  CHECK(opt::PrefilterLiteral("ab") == "");                    // too short to be worth it
}

TEST_CASE("prefilter: what a record's raw text must contain for a rule to care") {
  auto needs = [](const std::string& cond) {
    Result r = CompileText(MatchRule(cond));
    INFO(r.Text());
    REQUIRE(r.out.has_value());
    const Rule& rule = r.program().rules[0];
    if (rule.prefilter_all) return std::string("all");
    std::string out;
    for (const std::string& a : rule.prefilter_actions) out += "a:" + a + " ";
    for (const std::string& l : rule.prefilter_literals) out += "l:" + l + " ";
    return out;
  };
  CHECK(needs("action == \"snapshot.create\" and status == \"success\"") == "a:snapshot.create ");
  CHECK(needs("action in [\"snapshot.create\", \"snapshot.delete\"]") ==
        "a:snapshot.create a:snapshot.delete ");
  // Operation names and raw values are written verbatim in the record.
  CHECK(needs("api.operation in~ [\"DisableEbsEncryptionByDefault\"]") ==
        "l:disableebsencryptionbydefault ");
  CHECK(needs("api.operation matches /^Send(SerialConsole)?SSHPublicKey\\s*$/") ==
        "l:SSHPublicKey ");
  CHECK(needs("exists(raw.requestParameters.userData) or raw.x == \"abc\"") == "l:abc l:userData ");
  CHECK(needs("any k in raw.keys: k in [\"ssh-keys\", \"sshKeys\"]") == "l:ssh-keys l:sshKeys ");
  CHECK(needs("endswith(api.operation, \"setCommonInstanceMetadata\")") ==
        "l:setCommonInstanceMetadata ");
  // A conjunction takes one operand's need; a disjunction needs all of them.
  CHECK(needs("status == \"failure\" and (action == \"snapshot.share\" or exists(raw.foo))") ==
        "a:snapshot.share l:foo ");
  // Nothing certain: every record.
  CHECK(needs("status == \"failure\"") == "all");
  CHECK(needs("action == \"snapshot.create\" or status == \"failure\"") == "all");
  CHECK(needs("not (action == \"snapshot.create\")") == "all");
  CHECK(needs("resource.uid == \"snap-1\"") == "all");       // normalized: not verbatim
  CHECK(needs("all k in raw.keys: k == \"abc\"") == "all");  // true on an empty array
}

TEST_CASE("constant-fold follows VM semantics and declines where they could differ") {
  auto fold = [](const std::string& cond) {
    Checked c = CheckText(MatchRule(cond));
    REQUIRE(c.sink.error_count() == 0);
    return ir::DumpExpr(*opt::FoldExpr(ir::Clone(*c.pack.rules[0].pred)));
  };
  CHECK(fold("1 + 2 * 3 == 7") == "true");
  CHECK(fold("\"b\" < \"a\"") == "false");
  CHECK(fold("lower(\"AbC\") == \"abc\" and length(\"abc\") == 3") == "true");
  CHECK(fold("startswith(\"snap-1\", \"snap\") and not contains(\"x\", \"y\")") == "true");
  CHECK(fold("\"Snap\" =~ \"SNAP\" and \"x\" in~ [\"X\"] and \"abc\" matches /^a/") == "true");
  CHECK(fold("status == \"a\" and true") == "(== status:string \"a\")");
  CHECK(fold("status == \"a\" or true") == "true");
  CHECK(fold("status == \"a\" and (false or status == \"b\")") ==
        "(and (== status:string \"a\") (== status:string \"b\"))");
  CHECK(fold("10m + 5m == 15m") == "true");
  CHECK(fold("1.5 * 2.0 == 3") == "true");
  // Not folded: integer division (its rounding is the VM's business), a
  // missing-able operand, mixed int/float arithmetic.
  CHECK(fold("7 / 2 == 3") == "(== (/ 7 2) 3)");
  CHECK(fold("quota.value + 0 == 1") == "(== (+ quota.value:float 0) 1)");
  CHECK(fold("1 + 2.5 > 3") == "(> (+ 1 2.5) 3)");
  CHECK(fold("-(-5) == 5") == "true");
}

TEST_CASE("cheap-first puts action tests first and regexes and quantifiers last, stably") {
  Program p = Build(
      MatchRule("(any x in raw.items: x == 1) and resource.uid matches /a/ and status == \"ok\" "
                "and action == \"snapshot.create\" and resource.name == \"n\""));
  const Code& c = p.rules[0].pred;
  std::vector<std::string> loads;
  for (const Instr& i : c.instrs) {
    if (i.op == Op::LoadField) loads.push_back(FieldName(p, i.b));
  }
  CHECK(loads ==
        std::vector<std::string>{"action", "status", "resource.name", "resource.uid", "raw.items"});
}

TEST_CASE("route: conjunctions, disjunctions, sequences, absence and until") {
  auto routes = [](const std::string& text) {
    Program p = Build(text);
    const Rule& r = p.rules[0];
    std::string s;
    for (const std::string& a : r.route_actions) s += "a:" + a + " ";
    for (const std::string& o : r.route_operations) s += "o:" + o + " ";
    return s;
  };
  CHECK(
      routes(MatchRule("status == \"x\" and action in [\"volume.create\", \"snapshot.create\"]")) ==
      "a:snapshot.create a:volume.create ");
  CHECK(routes(MatchRule("action == \"snapshot.create\" or api.operation == \"CreateSnapshot\"")) ==
        "a:snapshot.create o:CreateSnapshot ");
  // The smaller of two routable conjuncts.
  CHECK(routes(MatchRule("action in [\"volume.create\", \"snapshot.create\"] and "
                         "api.operation == \"CreateVolume\"")) == "o:CreateVolume ");
  CHECK(routes(MatchRule("action == \"snapshot.create\" or status == \"x\"")).empty());
  CHECK(routes(MatchRule("action =~ \"snapshot.create\"")).empty());
  CHECK(routes(MatchRule("not (action == \"snapshot.create\")")).empty());
  CHECK(routes(RuleText("sequence within 1h\n a: where action == \"instance.start\"\n"
                        " !b: where api.operation == \"ApproveChange\"\n"
                        " until where action == \"instance.delete\"")) ==
        "a:instance.delete a:instance.start o:ApproveChange ");
  // An absence stage that cannot be routed needs every event.
  CHECK(routes(RuleText("sequence within 1h\n a: where action == \"instance.start\"\n"
                        " !b: where status == \"x\""))
            .empty());
  CHECK(routes(RuleText("sequence within 1h\n a: where action == \"instance.start\"\n"
                        " b: where action == \"instance.stop\"\n until where status == \"x\""))
            .empty());
}

TEST_CASE("index: the string-field values an event must hold, per field") {
  auto filters = [](const std::string& text) {
    Program p = Build(text);
    std::string s;
    for (const IndexFilter& f : p.rules[0].index_filters) {
      s += FieldName(p, f.slot) + (f.prefix ? " ^" : f.ci ? " ~" : " =") + "[";
      for (const std::string& v : f.values) s += v + (&v == &f.values.back() ? "" : ",");
      s += "] ";
    }
    return s;
  };
  // Equality either way round, `in`, and every conjunct; action and
  // api.operation are the route pass's.
  CHECK(filters(MatchRule("action == \"snapshot.create\" and cloud.region == \"us-east-1\" and "
                          "\"success\" == status")) ==
        "cloud.region =[us-east-1] status =[success] ");
  CHECK(filters(MatchRule("actor.user.uid in [\"b\", \"a\"] and api.operation == \"X\"")) ==
        "actor.user.uid =[a,b] ");
  // ... but not their case-insensitive tests, which the route pass declines.
  CHECK(filters(MatchRule(
            "api.operation in~ [\"CreateSnapshot\"] and action =~ \"Snapshot.Create\"")) ==
        "action ~[snapshot.create] api.operation ~[createsnapshot] ");
  // Case-insensitive tests are their own filters, lower-cased.
  CHECK(filters(MatchRule("cloud.region =~ \"US-East-1\" and status in~ [\"OK\"]")) ==
        "cloud.region ~[us-east-1] status ~[ok] ");
  // Prefixes; of two on one field the narrower set is kept (either is sound).
  CHECK(filters(MatchRule("startswith(actor.user.uid, \"arn:aws:iam::1:\")")) ==
        "actor.user.uid ^[arn:aws:iam::1:] ");
  CHECK(filters(MatchRule("startswith(actor.user.uid, \"arn:\") and "
                          "(startswith(actor.user.uid, \"arn:aws:\") or "
                          "startswith(actor.user.uid, \"arn:gcp:\"))")) ==
        "actor.user.uid ^[arn:] ");
  // A list-valued field (any element), and one conjunct narrowing another.
  CHECK(filters(MatchRule("resources.uid == \"snap-1\"")) == "resources.uid =[snap-1] ");
  CHECK(filters(MatchRule("cloud.region in [\"a\", \"b\", \"c\"] and cloud.region in "
                          "[\"b\", \"c\", \"d\"]")) == "cloud.region =[b,c] ");
  // Contradictory conjuncts: no value can pass, the rule never matches.
  CHECK(filters(MatchRule("cloud.region == \"a\" and cloud.region == \"b\"")) ==
        "cloud.region =[] ");
  // A disjunction keeps what every operand filters, uniting the values.
  CHECK(filters(MatchRule("(cloud.region == \"a\" and status == \"x\") or cloud.region in "
                          "[\"b\"]")) == "cloud.region =[a,b] ");
  CHECK(filters(MatchRule("cloud.region == \"a\" or status == \"x\"")).empty());
  // Nothing from negations, other comparisons, non-string or raw fields,
  // functions of the field.
  CHECK(filters(MatchRule("not (cloud.region == \"a\")")).empty());
  CHECK(filters(MatchRule("cloud.region != \"a\"")).empty());
  CHECK(filters(MatchRule("raw.awsRegion == \"a\"")).empty());
  CHECK(filters(MatchRule("lower(cloud.region) == \"a\"")).empty());
  CHECK(filters(MatchRule("endswith(actor.user.uid, \"x\")")).empty());
  // `except` is folded in as `and not`: the positive conjunct still filters.
  CHECK(filters(RuleText("match where cloud.region == \"a\"\n except where status == \"x\"")) ==
        "cloud.region =[a] ");
  // Sequences: the fields every stage and `until` filter, values united;
  // an absence stage counts (its events must reach the rule).
  CHECK(filters(RuleText("sequence within 1h\n a: where cloud.region == \"a\" and status == "
                         "\"x\"\n b: where cloud.region == \"b\"\n until where cloud.region "
                         "== \"c\"")) == "cloud.region =[a,b,c] ");
  CHECK(filters(RuleText("sequence within 1h\n a: where cloud.region == \"a\"\n !b: where "
                         "status == \"x\"")) == "");
}

TEST_CASE("VM: comparisons, missing values and the lowered operators") {
  Vm vm(
      MatchRule("action == \"snapshot.create\"") +
      RuleText("match where actor.user.type !~ \"root\"", "r1") +
      RuleText("match where actor.user.name in~ [\"Alice\"] and resource.uid like \"snap-*\"",
               "r2") +
      RuleText("match where cidrmatch(src_endpoint.ip, \"10.0.0.0/8\", \"2001:db8::/32\")", "r3") +
      RuleText("match where not exists(error.code) and tag(\"env\") == \"prod\"", "r4"));
  CHECK(vm.Match("\"action\":\"snapshot.create\"", 0));
  CHECK_FALSE(vm.Match("\"action\":\"snapshot.delete\"", 0));
  CHECK_FALSE(vm.Match("", 0));
  CHECK(vm.Match("\"actor\":{\"user\":{\"type\":\"IAMUser\"}}", 1));
  CHECK_FALSE(vm.Match("\"actor\":{\"user\":{\"type\":\"ROOT\"}}", 1));
  CHECK_FALSE(vm.Match("", 1));  // missing never compares, as with !=
  CHECK(vm.Match("\"actor\":{\"user\":{\"name\":\"ALICE\"}},\"resource\":{\"uid\":\"snap-1\"}", 2));
  CHECK_FALSE(
      vm.Match("\"actor\":{\"user\":{\"name\":\"alice\"}},\"resource\":{\"uid\":\"vol-1\"}", 2));
  CHECK(vm.Match("\"src_endpoint\":{\"ip\":\"10.1.2.3\"}", 3));
  CHECK(vm.Match("\"src_endpoint\":{\"ip\":\"2001:db8::5\"}", 3));
  CHECK_FALSE(vm.Match("\"src_endpoint\":{\"ip\":\"192.168.0.1\"}", 3));
  CHECK(vm.Match("\"tags\":{\"env\":\"prod\"}", 4));
  CHECK_FALSE(vm.Match("\"tags\":{\"env\":\"prod\"},\"error\":{\"code\":\"X\"}", 4));
}

TEST_CASE("VM: any / all over arrays, nested, and over missing arrays") {
  Vm vm(MatchRule("any x in raw.items: x.group == \"all\" and x.n > 1") +
        RuleText("match where all a in share.accounts: a in [\"1\", \"2\"]", "r1") +
        RuleText("match where any x in raw.a: any y in x.b: y == x.want", "r2"));
  CHECK(vm.Match("\"raw\":{\"items\":[{\"group\":\"x\",\"n\":5},{\"group\":\"all\",\"n\":2}]}", 0));
  CHECK_FALSE(
      vm.Match("\"raw\":{\"items\":[{\"group\":\"x\",\"n\":5},{\"group\":\"all\",\"n\":1}]}", 0));
  CHECK_FALSE(vm.Match("\"raw\":{\"items\":[]}", 0));
  CHECK_FALSE(vm.Match("", 0));
  CHECK(vm.Match("\"share\":{\"accounts\":[\"1\",\"2\"]}", 1));
  CHECK_FALSE(vm.Match("\"share\":{\"accounts\":[\"1\",\"3\"]}", 1));
  CHECK(vm.Match("", 1));  // all over nothing holds
  CHECK(vm.Match("\"raw\":{\"a\":[{\"b\":[1,2],\"want\":3},{\"b\":[4,5],\"want\":5}]}", 2));
  CHECK_FALSE(vm.Match("\"raw\":{\"a\":[{\"b\":[1,2],\"want\":3},{\"b\":[4,5],\"want\":6}]}", 2));
}

TEST_CASE("VM: stage references read the captures of earlier stages") {
  Vm vm(
      RuleText("sequence within 1h\n a: where action == \"snapshot.create\"\n"
               " b: where related.snapshot.uid == a.resource.uid and time - a.time < 10m"));
  StageRefs refs(1);
  int64_t t0 = 1767607200LL * 1000000000;  // 2026-01-05T10:00:00Z
  refs[0] = {Value::String("e0"), Value::Int(t0 - 5LL * 60 * 1000000000), Value::String("snap-1")};
  CHECK(vm.Stage(1, "\"related\":{\"snapshot\":{\"uid\":\"snap-1\"}}", refs));
  CHECK_FALSE(vm.Stage(1, "\"related\":{\"snapshot\":{\"uid\":\"snap-2\"}}", refs));
  refs[0][1] = Value::Int(t0 - 11LL * 60 * 1000000000);
  CHECK_FALSE(vm.Stage(1, "\"related\":{\"snapshot\":{\"uid\":\"snap-1\"}}", refs));
}

TEST_CASE("VM: optimized and unoptimized code agree") {
  std::string rules = MatchRule(
      "(status == \"ok\" or 1 > 2) and not (action == \"snapshot.create\" and "
      "resource.uid matches /^x/) and (any v in raw.v: v > 2 or v == 0)");
  CompileOptions off;
  off.disabled_passes = {"constant-fold", "cheap-first", "route", "index", "prefilter"};
  Vm a(rules), b(rules, off);
  const std::vector<std::string> events = {
      "",
      "\"status\":\"ok\",\"raw\":{\"v\":[1,3]}",
      "\"status\":\"ok\",\"raw\":{\"v\":[1]}",
      "\"status\":\"ok\",\"raw\":{\"v\":[0]},\"action\":\"snapshot.create\",\"resource\":{\"uid\":"
      "\"x1\"}",
      "\"status\":\"ok\",\"raw\":{\"v\":[0]},\"action\":\"snapshot.create\",\"resource\":{\"uid\":"
      "\"y1\"}",
      "\"status\":\"no\",\"raw\":{\"v\":[5]}",
  };
  std::vector<bool> expected = {false, true, false, false, true, false};
  for (size_t i = 0; i < events.size(); ++i) {
    CAPTURE(events[i]);
    CHECK(a.Match(events[i]) == expected[i]);
    CHECK(b.Match(events[i]) == expected[i]);
  }
}
