-- dialect: postgres
SELECT "Order Value" AS "Revenue USD", o."CustomerID", o.Status FROM "App"."Orders" AS o;
