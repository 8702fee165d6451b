// Alert rendering: the alert JSON line (fixed field order), its stable id
// and the message template.
#include <fmt/format.h>
#include <xxhash.h>

#include "runtime/engine/core.h"

namespace rdl::engine_internal {
namespace {

FieldType SlotType(const Program& program, uint16_t slot) {
  return slot < program.fields.size() ? program.fields[slot].type : FieldType::kString;
}

void AppendStringArray(const std::vector<std::string>& items, std::string* out) {
  out->push_back('[');
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out->push_back(',');
    AppendJsonString(items[i], out);
  }
  out->push_back(']');
}

// The name of key position i: the rule's key_names, else the field path.
std::string KeyName(const Program& program, const Rule& rule, const AlertDraft& d, size_t i) {
  if (i < rule.key_names.size() && rule.key_names.size() == d.key_values.size()) {
    return rule.key_names[i];
  }
  if (d.key_slots != nullptr && i < d.key_slots->size()) {
    return FieldName(program, (*d.key_slots)[i]);
  }
  return fmt::format("key{}", i);
}

FieldType KeyType(const Program& program, const AlertDraft& d, size_t i) {
  if (d.key_slots != nullptr && i < d.key_slots->size()) {
    return SlotType(program, (*d.key_slots)[i]);
  }
  return FieldType::kString;
}

std::string DefaultMessage(const Program& program, const Rule& rule, const AlertDraft& d,
                           FieldSource& source) {
  std::string msg = rule.title.empty() ? rule.name : rule.title;
  std::string pairs;
  for (size_t i = 0; i < d.key_values.size(); ++i) {
    if (!pairs.empty()) pairs.append(", ");
    pairs.append(KeyName(program, rule, d, i));
    pairs.push_back('=');
    AppendTextValue(d.key_values[i], KeyType(program, d, i), &pairs);
  }
  if (rule.kind == RuleKind::kNew) {
    for (uint16_t s : rule.value_slots) {
      if (!pairs.empty()) pairs.append(", ");
      pairs.append(FieldName(program, s));
      pairs.push_back('=');
      AppendTextValue(source.Field(s), SlotType(program, s), &pairs);
    }
  }
  if (!pairs.empty()) {
    msg.append(": ");
    msg.append(pairs);
  }
  if (rule.kind == RuleKind::kCount || rule.kind == RuleKind::kDistinct) {
    fmt::format_to(std::back_inserter(msg), " (count {})", d.count);
  }
  return msg;
}

std::string TemplateMessage(const Program& program, const Rule& rule, const AlertDraft& d,
                            FieldSource& source) {
  std::string msg;
  for (const TemplatePart& part : rule.message) {
    switch (part.kind) {
      case TemplatePart::Kind::kText:
        msg.append(part.text);
        break;
      case TemplatePart::Kind::kField:
        AppendTextValue(source.Field(part.index), SlotType(program, part.index), &msg);
        break;
      case TemplatePart::Kind::kCapture: {
        FieldType type = FieldType::kString;
        if (part.stage < rule.stages.size() &&
            part.index < rule.stages[part.stage].captures.size()) {
          type = SlotType(program, rule.stages[part.stage].captures[part.index]);
        }
        AppendTextValue(source.Capture(part.stage, part.index), type, &msg);
        break;
      }
      case TemplatePart::Kind::kCount:
        fmt::format_to(std::back_inserter(msg), "{}", d.count);
        break;
    }
  }
  return msg;
}

}  // namespace

std::string RenderAlert(const Program& program, const Rule& rule, const AlertDraft& d,
                        FieldSource& source, std::string* id) {
  std::string key;
  key.push_back('{');
  for (size_t i = 0; i < d.key_values.size(); ++i) {
    if (i > 0) key.push_back(',');
    AppendJsonString(KeyName(program, rule, d, i), &key);
    key.push_back(':');
    AppendJsonValue(d.key_values[i], KeyType(program, d, i), &key);
  }
  key.push_back('}');

  // Stable id: rule name, key and the first event's uid (its time when the
  // event has no uid), so replays and restarts produce the same ids.
  std::string basis = rule.name;
  basis.push_back('\0');
  basis.append(key);
  basis.push_back('\0');
  if (!d.events.empty() && !d.events.front().empty()) {
    basis.append(d.events.front());
  } else {
    fmt::format_to(std::back_inserter(basis), "@{}", d.time_ns);
  }
  *id = fmt::format("{:016x}", XXH3_64bits(basis.data(), basis.size()));

  std::string j;
  j.reserve(256 + key.size());
  j.append("{\"id\":");
  AppendJsonString(*id, &j);
  j.append(",\"rule\":");
  AppendJsonString(rule.name, &j);
  j.append(",\"title\":");
  AppendJsonString(rule.title.empty() ? rule.name : rule.title, &j);
  j.append(",\"severity\":");
  AppendJsonString(SeverityName(rule.severity), &j);
  j.append(",\"attack\":");
  AppendStringArray(rule.attack, &j);
  j.append(",\"data\":");
  AppendStringArray(rule.data, &j);
  j.append(",\"time\":");
  AppendJsonString(FormatTime(d.time_ns), &j);
  j.append(",\"end_time\":");
  AppendJsonString(FormatTime(d.end_ns), &j);
  j.append(",\"key\":");
  j.append(key);
  j.append(",\"events\":[");
  for (size_t i = 0; i < d.events.size(); ++i) {
    if (i > 0) j.push_back(',');
    AppendJsonString(d.events[i], &j);
  }
  j.append("],\"message\":");
  AppendJsonString(rule.message.empty() ? DefaultMessage(program, rule, d, source)
                                        : TemplateMessage(program, rule, d, source),
                   &j);
  j.push_back('}');
  return j;
}

}  // namespace rdl::engine_internal
