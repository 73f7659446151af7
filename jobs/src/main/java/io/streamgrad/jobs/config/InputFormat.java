package io.streamgrad.jobs.config;

import java.io.Serializable;
import java.util.List;

/**
 * How input records become examples. Serializable: shipped to the Flink parse function.
 *
 * @param format {@code json} or {@code csv}
 * @param keyFrom where the model key comes from: {@code field} (JSON field / CSV column),
 *     {@code recordKey} (the Kafka record key) or {@code constant}
 * @param keyField JSON field holding the model key (keyFrom = field, json)
 * @param keyColumn CSV column holding the model key (keyFrom = field, csv), or -1
 * @param constantKey the key for keyFrom = constant
 * @param labelEncoding {@code auto}, {@code index} (class index, one-hot encoded here),
 *     {@code oneHot} (the label already is the target vector) or {@code value} (raw numbers)
 * @param classes optional class names: a textual label is mapped to its index in this list
 * @param jsonFeatures JSON field holding the feature array (or null)
 * @param jsonFeatureFields named numeric JSON fields mapped to the input vector in this order
 * @param jsonLabel JSON field holding the label
 * @param jsonEventTime JSON field with the event time (epoch ms or ISO-8601), or null
 * @param csvDelimiter CSV field delimiter
 * @param csvFeatures CSV columns of the input vector, in order
 * @param csvLabel CSV columns of the label (one column, or one per output)
 * @param csvEventTime CSV column of the event time, or -1
 * @param maxRecordChars dead letters keep at most this many characters of the raw record
 */
public record InputFormat(String format, String keyFrom, String keyField, int keyColumn, String constantKey,
                          String labelEncoding, List<String> classes,
                          String jsonFeatures, List<String> jsonFeatureFields, String jsonLabel, String jsonEventTime,
                          char csvDelimiter, List<Integer> csvFeatures, List<Integer> csvLabel, int csvEventTime,
                          int maxRecordChars) implements Serializable {

    public InputFormat {
        classes = List.copyOf(classes);
        jsonFeatureFields = List.copyOf(jsonFeatureFields);
        csvFeatures = List.copyOf(csvFeatures);
        csvLabel = List.copyOf(csvLabel);
    }

    public boolean isJson() {
        return "json".equals(format);
    }
}
