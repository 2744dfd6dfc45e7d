#pragma once

#include <xnnpack.h>

#include <cstddef>

namespace xnnlite {

// Bytes per element of the XNNPACK datatypes the addon accepts; 0 for others.
inline size_t ElementSize(xnn_datatype datatype) {
  switch (datatype) {
    case xnn_datatype_fp32:
    case xnn_datatype_qint32:
    case xnn_datatype_qcint32:
    case xnn_datatype_int32:
      return 4;
    case xnn_datatype_fp16:
      return 2;
    case xnn_datatype_qint8:
    case xnn_datatype_quint8:
    case xnn_datatype_qcint8:
    case xnn_datatype_qdint8:
      return 1;
    default:
      return 0;
  }
}

}  // namespace xnnlite
