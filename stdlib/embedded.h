// The stdlib data files compiled into the binaries (see cmake/Embed.cmake and
// the rdl_embed_files list in CMakeLists.txt). Names are the file names with
// non-alphanumerics replaced by '_'.
#pragma once

#include <string_view>

namespace rdl::embedded {
std::string_view schema_json();   // stdlib/schema.json: the normalized fields and their types
std::string_view actions_txt();   // stdlib/actions.txt: the action taxonomy, one per line
std::string_view aws_json();      // stdlib/providers/aws.json: CloudTrail mapping
std::string_view azure_json();    // stdlib/providers/azure.json: Activity Log mapping
std::string_view gcp_json();      // stdlib/providers/gcp.json: Cloud Audit Logs mapping
}  // namespace rdl::embedded
