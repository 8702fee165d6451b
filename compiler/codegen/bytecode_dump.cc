// The `--stage=bytecode` dump: the pack's field and constant tables, then
// each rule's header, metadata and code blocks, disassembled by the VM's
// own Disassemble (runtime/vm/interpreter.h) so there is one view of
// instructions.
#include <fmt/format.h>

#include "compiler/codegen/codegen.h"
#include "compiler/ir/ir.h"
#include "compiler/source/quote.h"
#include "runtime/vm/interpreter.h"

namespace rdl::codegen {

namespace {

std::string ConstText(const Constant& c) {
  switch (c.kind) {
    case ConstKind::kNull:
      return "null";
    case ConstKind::kBool:
      return c.b ? "bool true" : "bool false";
    case ConstKind::kInt:
      return fmt::format("int {}", c.i);
    case ConstKind::kFloat:
      return fmt::format("float {}", c.f);
    case ConstKind::kString:
      return "string " + QuoteForDump(c.s);
    case ConstKind::kRegex:
      return fmt::format("regex /{}/", c.s);
    case ConstKind::kCidr:
      return "cidr " + c.s;
    case ConstKind::kStringSet: {
      std::string s = "set [";
      for (size_t i = 0; i < c.set.size(); ++i) s += (i ? ", " : "") + QuoteForDump(c.set[i]);
      return s + "]";
    }
    case ConstKind::kPath:
      return "path " + ir::DottedPath(c.set);
  }
  return "?";
}

const char* TypeText(FieldType t) { return ir::TypeName(ir::TypeOfField(t)); }

std::string SlotList(const std::vector<uint16_t>& slots, const Program& p) {
  std::string s = "[";
  for (size_t i = 0; i < slots.size(); ++i) {
    if (i) s += ", ";
    s += fmt::format("F{}", slots[i]);
    if (slots[i] < p.fields.size()) s += " " + ir::DottedPath(p.fields[slots[i]].segments);
  }
  return s + "]";
}

std::string Join(const std::vector<std::string>& v, bool quote) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + (quote ? QuoteForDump(v[i]) : v[i]);
  return s;
}

std::string Block(const char* what, const Code& code, const Program& p, const std::string& indent) {
  return fmt::format("{}{}: {} regs, {} instrs\n", indent, what, code.num_regs,
                     code.instrs.size()) +
         DisassembleCode(code, p, indent + "  ");
}

}  // namespace

std::string DisassembleCode(const Code& code, const Program& p, const std::string& indent) {
  // The VM's disassembler is the one view of instructions; indent its lines.
  std::string text = Disassemble(code, p);
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    out += indent;
    out.append(text, pos, nl - pos);
    out += '\n';
    pos = nl + 1;
  }
  return out;
}

std::string DumpBytecode(const Program& p) {
  std::string out = "fields:\n";
  for (size_t i = 0; i < p.fields.size(); ++i) {
    out += fmt::format("  F{:<4} {}: {}\n", i, ir::DottedPath(p.fields[i].segments),
                       TypeText(p.fields[i].type));
  }
  out += fmt::format("time_slot: F{}  uid_slot: F{}\n", p.time_slot, p.uid_slot);
  out += "consts:\n";
  for (size_t i = 0; i < p.consts.size(); ++i) {
    out += fmt::format("  K{:<4} {}\n", i, ConstText(p.consts[i]));
  }
  for (const Rule& r : p.rules) {
    out += fmt::format("\nrule {} ({}) @ {}:{}\n", r.name, RuleKindName(r.kind), r.source_file,
                       r.source_line);
    if (!r.title.empty()) out += fmt::format("  title: {}\n", QuoteForDump(r.title));
    out += fmt::format("  severity: {}\n", SeverityName(r.severity));
    if (!r.attack.empty()) out += fmt::format("  attack: {}\n", Join(r.attack, false));
    if (!r.data.empty()) out += fmt::format("  data: {}\n", Join(r.data, true));
    out += fmt::format("  key: [{}]\n", Join(r.key_names, false));
    if (r.within_ns > 0) out += fmt::format("  within: {}\n", ir::FormatDuration(r.within_ns));
    if (r.kind == RuleKind::kCount || r.kind == RuleKind::kDistinct) {
      out += fmt::format("  threshold: {}\n", r.threshold);
    }
    if (r.kind != RuleKind::kSequence && r.kind != RuleKind::kMatch) {
      out += fmt::format("  by: {}\n", SlotList(r.by_slots, p));
    }
    if (!r.value_slots.empty()) out += fmt::format("  values: {}\n", SlotList(r.value_slots, p));
    if (r.learn_ns > 0) out += fmt::format("  learn: {}\n", ir::FormatDuration(r.learn_ns));
    if (r.suppress_ns > 0) {
      out += fmt::format("  suppress: {} for {}\n", SlotList(r.suppress_slots, p),
                         ir::FormatDuration(r.suppress_ns));
    }
    out += fmt::format("  route: actions [{}] operations [{}]\n", Join(r.route_actions, false),
                       Join(r.route_operations, false));
    for (const IndexFilter& f : r.index_filters) {
      const std::string list = SlotList({f.slot}, p);  // "[F3 cloud.region]"
      out += fmt::format("  index: {} {} [{}]\n", list.substr(1, list.size() - 2),
                         f.prefix ? "startswith"
                         : f.ci   ? "in~"
                                  : "in",
                         Join(f.values, true));
    }
    if (r.prefilter_all) {
      out += "  prefilter: every record\n";
    } else {
      out += fmt::format("  prefilter: actions [{}] literals [{}]\n",
                         Join(r.prefilter_actions, false), Join(r.prefilter_literals, true));
    }
    if (!r.message.empty()) {
      std::string m;
      for (const TemplatePart& part : r.message) {
        if (!m.empty()) m += " ";
        switch (part.kind) {
          case TemplatePart::Kind::kText:
            m += QuoteForDump(part.text);
            break;
          case TemplatePart::Kind::kField:
            m += fmt::format("F{}", part.index);
            break;
          case TemplatePart::Kind::kCapture:
            m += fmt::format("S{}.N{}", part.stage, part.index);
            break;
          case TemplatePart::Kind::kCount:
            m += "count";
            break;
        }
      }
      out += fmt::format("  message: {}\n", m);
    }
    if (r.kind == RuleKind::kSequence) {
      for (size_t i = 0; i < r.stages.size(); ++i) {
        const Stage& s = r.stages[i];
        out += fmt::format("  stage S{} {}{}: keys {} captures {}\n", i, s.absence ? "!" : "",
                           s.label, SlotList(s.key_slots, p), SlotList(s.captures, p));
        out += Block("pred", s.pred, p, "    ");
      }
      if (r.has_until) {
        out += fmt::format("  until: keys {}\n", SlotList(r.until_key_slots, p));
        out += Block("pred", r.until_pred, p, "    ");
      }
    } else {
      out += Block("pred", r.pred, p, "  ");
    }
  }
  return out;
}

}  // namespace rdl::codegen
